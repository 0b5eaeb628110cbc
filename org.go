package campusguard

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"
)

// OrgKind is the type of a node in the organisation tree.
type OrgKind string

// The kinds of org node. Regions nest to any depth; a school sits under a
// region; grades under a school; classes under a grade.
const (
	KindRegion OrgKind = "region"
	KindSchool OrgKind = "school"
	KindGrade  OrgKind = "grade"
	KindClass  OrgKind = "class"
)

// RegionLevel is the administrative level of a region node.
type RegionLevel string

// The region levels, from the top.
const (
	LevelProvince RegionLevel = "province"
	LevelCity     RegionLevel = "city"
	LevelCounty   RegionLevel = "county"
	LevelTown     RegionLevel = "town"
)

// SchoolType is the kind of school, which decides phased reopening (§5).
type SchoolType string

// The school types.
const (
	Kindergarten SchoolType = "kindergarten"
	Primary      SchoolType = "primary"
	Junior       SchoolType = "junior"
	Senior       SchoolType = "senior"
	Vocational   SchoolType = "vocational"
	Special      SchoolType = "special"
)

// SchoolTypes lists every school type in display order.
var SchoolTypes = []SchoolType{Kindergarten, Primary, Junior, Senior, Vocational, Special}

// RegionLevels lists every region level from the top.
var RegionLevels = []RegionLevel{LevelProvince, LevelCity, LevelCounty, LevelTown}

// Org is a node of the county tree: a region, a school, a grade or a class.
// RegionID is the root of the tree the node belongs to; every table carries
// it so that a distributed database can shard by it.
type Org struct {
	ID       int64   `json:"id"`
	RegionID int64   `json:"region_id"`
	ParentID *int64  `json:"parent_id"`
	Kind     OrgKind `json:"kind"`
	Name     string  `json:"name"`
	Code     string  `json:"code,omitempty"` // an official code, unique within the tree when set
	Path     string  `json:"path"`           // "/1/5/23/": the ids from the root down to this node

	Level         RegionLevel `json:"level,omitempty"`       // regions
	SchoolType    SchoolType  `json:"school_type,omitempty"` // schools
	Boarding      bool        `json:"boarding"`              // schools
	Address       string      `json:"address,omitempty"`     // schools
	Principal     string      `json:"principal,omitempty"`   // schools
	Phone         string      `json:"phone,omitempty"`       // schools
	GradeYear     int         `json:"grade_year,omitempty"`  // grades: 1 for the first year
	HeadTeacherID *int64      `json:"head_teacher_id"`       // classes: the class teacher (a staff member)

	// Filled by queries that count what lies below.
	Counts *OrgCounts `json:"counts,omitempty"`
}

// OrgCounts are the sizes of a subtree.
type OrgCounts struct {
	Schools  int `json:"schools"`
	Classes  int `json:"classes"`
	Students int `json:"students"`
	Staff    int `json:"staff"`
}

// ParentKinds says which kind of node may sit under which.
var parentKinds = map[OrgKind][]OrgKind{
	KindRegion: {KindRegion},
	KindSchool: {KindRegion},
	KindGrade:  {KindSchool},
	KindClass:  {KindGrade},
}

// CanParent reports whether a node of kind child may sit under a node of kind
// parent. A region with no parent is the root of a tree.
func CanParent(parent, child OrgKind) bool {
	return slices.Contains(parentKinds[child], parent)
}

// Validate checks the fields of an org that do not need the database.
func (o *Org) Validate() error {
	var fe fieldErrors
	o.Name = strings.TrimSpace(o.Name)
	o.Code = strings.TrimSpace(o.Code)
	if o.Name == "" {
		fe.add("name", "error.required")
	} else if utf8.RuneCountInString(o.Name) > 100 {
		fe.add("name", "error.too_long", 100)
	}
	if utf8.RuneCountInString(o.Code) > 32 {
		fe.add("code", "error.too_long", 32)
	}
	switch o.Kind {
	case KindRegion:
		if !validLevel(o.Level) {
			fe.add("level", "error.bad_choice")
		}
	case KindSchool:
		if !ValidSchoolType(o.SchoolType) {
			fe.add("school_type", "error.bad_choice")
		}
	case KindGrade, KindClass:
	default:
		fe.add("kind", "error.bad_choice")
	}
	if o.Kind != KindRegion && o.ParentID == nil {
		fe.add("parent_id", "error.required")
	}
	return fe.err()
}

func validLevel(l RegionLevel) bool {
	return slices.Contains(RegionLevels, l)
}

// ValidSchoolType reports whether t is a known school type.
func ValidSchoolType(t SchoolType) bool {
	return slices.Contains(SchoolTypes, t)
}

// IDs returns the ids on o's path, from the root down to o.
func (o *Org) IDs() []int64 { return PathIDs(o.Path) }

// PathIDs parses a materialised path "/1/5/23/".
func PathIDs(path string) []int64 {
	var ids []int64
	var n int64
	in := false
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c >= '0' && c <= '9' {
			n = n*10 + int64(c-'0')
			in = true
			continue
		}
		if in {
			ids = append(ids, n)
		}
		n, in = 0, false
	}
	return ids
}

// OrgFilter selects org nodes. Nil fields do not filter.
type OrgFilter struct {
	ParentID   *int64
	Under      *int64 // anywhere in this node's subtree, the node excluded
	Kind       *OrgKind
	SchoolType *SchoolType
	Query      *string // part of the name or the code
	WithCounts bool
	Offset     int
	Limit      int
}

// OrgUpdate holds the fields of an org that may change. Nil fields stay.
type OrgUpdate struct {
	Name          *string     `json:"name"`
	Code          *string     `json:"code"`
	SchoolType    *SchoolType `json:"school_type"`
	Boarding      *bool       `json:"boarding"`
	Address       *string     `json:"address"`
	Principal     *string     `json:"principal"`
	Phone         *string     `json:"phone"`
	HeadTeacherID *int64      `json:"head_teacher_id"`
}

// Apply copies the set fields of u onto o.
func (u OrgUpdate) Apply(o *Org) {
	set(&o.Name, u.Name)
	set(&o.Code, u.Code)
	set(&o.SchoolType, u.SchoolType)
	set(&o.Boarding, u.Boarding)
	set(&o.Address, u.Address)
	set(&o.Principal, u.Principal)
	set(&o.Phone, u.Phone)
	if u.HeadTeacherID != nil {
		o.HeadTeacherID = u.HeadTeacherID
	}
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// PlaceKind is the type of a place inside a school.
type PlaceKind string

// The place kinds.
const (
	PlaceClassroom   PlaceKind = "classroom"
	PlaceDormRoom    PlaceKind = "dorm_room"
	PlaceCanteen     PlaceKind = "canteen"
	PlaceToilet      PlaceKind = "toilet"
	PlaceObservation PlaceKind = "observation_room"
	PlaceGate        PlaceKind = "gate"
)

// PlaceKinds lists every place kind.
var PlaceKinds = []PlaceKind{PlaceClassroom, PlaceDormRoom, PlaceCanteen, PlaceToilet, PlaceObservation, PlaceGate}

// Place is a room or area inside a school: where students sit, sleep, eat,
// wait in isolation or enter.
type Place struct {
	ID       int64     `json:"id"`
	RegionID int64     `json:"region_id"`
	SchoolID int64     `json:"school_id"`
	Kind     PlaceKind `json:"kind"`
	Name     string    `json:"name"`
	Beds     int       `json:"beds,omitempty"`     // dormitory rooms
	ClassID  *int64    `json:"class_id,omitempty"` // classrooms: the class taught there
	Occupied int       `json:"occupied,omitempty"` // dormitory rooms: beds taken (filled by queries)
}

// Validate checks the fields of a place.
func (p *Place) Validate() error {
	var fe fieldErrors
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" {
		fe.add("name", "error.required")
	}
	if !slices.Contains(PlaceKinds, p.Kind) {
		fe.add("kind", "error.bad_choice")
	}
	if p.Beds < 0 || p.Beds > 64 {
		fe.add("beds", "error.range", 0, 64)
	}
	if p.Kind == PlaceDormRoom && p.Beds == 0 {
		fe.add("beds", "error.required")
	}
	return fe.err()
}

// BusRoute is a school bus route: its driver and, through the students who
// ride it, its riders.
type BusRoute struct {
	ID       int64  `json:"id"`
	RegionID int64  `json:"region_id"`
	SchoolID int64  `json:"school_id"`
	Name     string `json:"name"`
	Plate    string `json:"plate,omitempty"`
	DriverID *int64 `json:"driver_id"`
	Riders   int    `json:"riders"` // filled by queries
}

// OrgService reads and changes the organisation tree, its places and its bus
// routes.
type OrgService interface {
	// FindOrgByID returns one node. NotFound when there is none.
	FindOrgByID(ctx context.Context, id int64) (*Org, error)
	// FindOrgs returns the nodes the filter selects and how many there are
	// without the limit.
	FindOrgs(ctx context.Context, f OrgFilter) ([]*Org, int, error)
	// OrgAncestors returns the nodes from the root down to id's parent.
	OrgAncestors(ctx context.Context, id int64) ([]*Org, error)
	// CreateOrg adds a node. Invalid for bad fields or a parent of the wrong
	// kind, NotFound for an unknown parent, Conflict for a taken code.
	CreateOrg(ctx context.Context, o *Org) error
	// UpdateOrg changes a node. NotFound, Invalid, Conflict.
	UpdateOrg(ctx context.Context, id int64, u OrgUpdate) (*Org, error)
	// OrgCounts returns the sizes of id's subtree.
	OrgCounts(ctx context.Context, id int64) (*OrgCounts, error)

	// FindPlaces returns a school's places, of one kind when kind is not "".
	FindPlaces(ctx context.Context, schoolID int64, kind PlaceKind) ([]*Place, error)
	// CreatePlace adds a place to a school. Invalid, NotFound.
	CreatePlace(ctx context.Context, p *Place) error
	// FindBusRoutes returns a school's bus routes with their rider counts.
	FindBusRoutes(ctx context.Context, schoolID int64) ([]*BusRoute, error)
	// CreateBusRoute adds a bus route. Invalid, NotFound.
	CreateBusRoute(ctx context.Context, r *BusRoute) error
}
