package campusguard

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// PersonKind says whether a person is a student or a staff member.
type PersonKind string

// The person kinds.
const (
	Student PersonKind = "student"
	Staff   PersonKind = "staff"
)

// StaffRole is the post of a staff member.
type StaffRole string

// The staff roles of SPEC §1.
const (
	RoleTeacher       StaffRole = "teacher"
	RoleClassTeacher  StaffRole = "class_teacher"
	RoleHealthOfficer StaffRole = "health_officer"
	RoleCanteen       StaffRole = "canteen"
	RoleSecurity      StaffRole = "security"
	RoleCleaner       StaffRole = "cleaner"
	RoleDriver        StaffRole = "driver"
	RoleOtherStaff    StaffRole = "other"
)

// StaffRoles lists every staff role in display order.
var StaffRoles = []StaffRole{RoleTeacher, RoleClassTeacher, RoleHealthOfficer, RoleCanteen, RoleSecurity, RoleCleaner, RoleDriver, RoleOtherStaff}

// ValidStaffRole reports whether r is a known staff role.
func ValidStaffRole(r StaffRole) bool {
	return slices.Contains(StaffRoles, r)
}

// Gender is recorded as on the ID card.
type Gender string

// The genders.
const (
	Male   Gender = "M"
	Female Gender = "F"
)

// Person is a student or a staff member of one school.
type Person struct {
	ID       int64      `json:"id"`
	RegionID int64      `json:"region_id"`
	SchoolID int64      `json:"school_id"`
	Kind     PersonKind `json:"kind"`
	Name     string     `json:"name"`
	Gender   Gender     `json:"gender"`
	IDNumber string     `json:"id_number,omitempty"` // masked unless the reader may see it
	Birth    Date       `json:"birth_date"`
	Phone    string     `json:"phone,omitempty"`
	Number   string     `json:"number"` // student number or staff number, unique in the school

	ClassID    *int64    `json:"class_id"`          // students; a class teacher's own class
	Role       StaffRole `json:"role,omitempty"`    // staff
	Boarding   bool      `json:"boarding"`          // students
	DormRoomID *int64    `json:"dorm_room_id"`      // students
	Bed        string    `json:"bed,omitempty"`     // students: bed label in the room
	BusRouteID *int64    `json:"bus_route_id"`      // students who ride; the driver of a route
	Town       string    `json:"town,omitempty"`    // residence town
	Village    string    `json:"village,omitempty"` // residence village or neighbourhood
	Active     bool      `json:"active"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the fields of p that need no database and fills the birth
// date and gender from the ID number. today bounds birth dates.
func (p *Person) Validate(today Date) error {
	var fe fieldErrors
	p.Name = strings.TrimSpace(p.Name)
	p.Number = strings.TrimSpace(p.Number)
	p.IDNumber = strings.ToUpper(strings.TrimSpace(p.IDNumber))
	p.Phone = strings.TrimSpace(p.Phone)
	if p.Name == "" {
		fe.add("name", "error.required")
	} else if utf8.RuneCountInString(p.Name) > 50 {
		fe.add("name", "error.too_long", 50)
	}
	if p.Number == "" {
		fe.add("number", "error.required")
	} else if len(p.Number) > 32 {
		fe.add("number", "error.too_long", 32)
	}
	if p.IDNumber != "" {
		id, err := ParseIDNumber(p.IDNumber, today)
		if err != nil {
			fe = append(fe, ErrorFields(err)...)
		} else {
			p.IDNumber = id.Number
			if p.Birth.IsZero() {
				p.Birth = id.Birth
			} else if p.Birth != id.Birth {
				fe.add("birth_date", "error.birth_mismatch")
			}
			g := Female
			if id.Male {
				g = Male
			}
			if p.Gender == "" {
				p.Gender = g
			} else if p.Gender != g {
				fe.add("gender", "error.gender_mismatch")
			}
		}
	}
	if p.Gender != "" && p.Gender != Male && p.Gender != Female {
		fe.add("gender", "error.bad_choice")
	}
	if !p.Birth.IsZero() && (today.Before(p.Birth) || p.Birth.Year < 1900) {
		fe.add("birth_date", "error.id_birth")
	}
	if p.Phone != "" && !ValidPhone(p.Phone) {
		fe.add("phone", "error.phone")
	}
	switch p.Kind {
	case Student:
		if p.ClassID == nil {
			fe.add("class_id", "error.required")
		}
		if p.Role != "" {
			fe.add("role", "error.student_role")
		}
		if p.DormRoomID != nil && !p.Boarding {
			fe.add("dorm_room_id", "error.dorm_not_boarding")
		}
	case Staff:
		if !ValidStaffRole(p.Role) {
			fe.add("role", "error.bad_choice")
		}
		if p.DormRoomID != nil {
			fe.add("dorm_room_id", "error.staff_dorm")
		}
	default:
		fe.add("kind", "error.bad_choice")
	}
	if p.Bed != "" && p.DormRoomID == nil {
		fe.add("bed", "error.bed_without_room")
	}
	return fe.err()
}

// Masked returns a copy of p with the ID number hidden and the phone
// masked, for readers whose role does not need them.
func (p *Person) Masked() *Person {
	q := *p
	if q.IDNumber != "" {
		q.IDNumber = HideIDNumber(q.IDNumber)
	}
	if q.Phone != "" {
		q.Phone = MaskPhone(q.Phone)
	}
	return &q
}

// Guardian is a family member who reports for and is told about one or more
// students.
type Guardian struct {
	ID       int64  `json:"id"`
	RegionID int64  `json:"region_id"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Relation string `json:"relation,omitempty"` // to the student, when read through a link
}

// Validate checks a guardian's fields.
func (g *Guardian) Validate() error {
	var fe fieldErrors
	g.Name = strings.TrimSpace(g.Name)
	g.Phone = strings.TrimSpace(g.Phone)
	if g.Name == "" {
		fe.add("guardian_name", "error.required")
	}
	if g.Phone == "" {
		fe.add("guardian_phone", "error.required")
	} else if !ValidPhone(g.Phone) {
		fe.add("guardian_phone", "error.phone")
	}
	return fe.err()
}

// PersonFilter selects people. Nil fields do not filter.
type PersonFilter struct {
	Under      *int64 // in this org node's subtree (a region, school, grade or class)
	SchoolID   *int64
	ClassID    *int64
	Kind       *PersonKind
	Role       *StaffRole
	BusRouteID *int64
	DormRoomID *int64
	Query      *string // part of the name, the number, or a whole ID number
	Offset     int
	Limit      int
}

// PersonUpdate holds the fields of a person that may change. Nil fields stay.
type PersonUpdate struct {
	Name       *string    `json:"name"`
	Gender     *Gender    `json:"gender"`
	IDNumber   *string    `json:"id_number"`
	Phone      *string    `json:"phone"`
	Number     *string    `json:"number"`
	ClassID    *int64     `json:"class_id"`
	Role       *StaffRole `json:"role"`
	Boarding   *bool      `json:"boarding"`
	DormRoomID *int64     `json:"dorm_room_id"`
	Bed        *string    `json:"bed"`
	BusRouteID *int64     `json:"bus_route_id"`
	Town       *string    `json:"town"`
	Village    *string    `json:"village"`
	Active     *bool      `json:"active"`
}

// Apply copies the set fields of u onto p. A zero id (0) clears an optional
// link, so that an update can remove a bed or a bus route.
func (u PersonUpdate) Apply(p *Person) {
	set(&p.Name, u.Name)
	set(&p.Gender, u.Gender)
	set(&p.IDNumber, u.IDNumber)
	set(&p.Phone, u.Phone)
	set(&p.Number, u.Number)
	set(&p.Role, u.Role)
	set(&p.Boarding, u.Boarding)
	set(&p.Bed, u.Bed)
	set(&p.Town, u.Town)
	set(&p.Village, u.Village)
	set(&p.Active, u.Active)
	setLink(&p.ClassID, u.ClassID)
	setLink(&p.DormRoomID, u.DormRoomID)
	setLink(&p.BusRouteID, u.BusRouteID)
	if u.IDNumber != nil {
		p.Birth, p.Gender = Date{}, "" // derived again from the new number
		if u.Gender != nil {
			p.Gender = *u.Gender
		}
	}
}

func setLink(dst **int64, src *int64) {
	if src == nil {
		return
	}
	if *src == 0 {
		*dst = nil
		return
	}
	v := *src
	*dst = &v
}

// PersonFile is one file per person (一人一檔): who the person is, where they
// belong, and what has happened to them. Later parts of the product add
// sections of history.
type PersonFile struct {
	Person    *Person     `json:"person"`
	School    *Org        `json:"school"`
	Grade     *Org        `json:"grade,omitempty"`
	Class     *Org        `json:"class,omitempty"`
	Path      []*Org      `json:"path"` // the root region down to the school
	Guardians []*Guardian `json:"guardians"`
	Students  []*Person   `json:"students,omitempty"` // for a class teacher: none yet
	DormRoom  *Place      `json:"dorm_room,omitempty"`
	BusRoute  *BusRoute   `json:"bus_route,omitempty"`
	History   []Event     `json:"history"`
}

// Event is one line of a person's history: what changed, when, by whom.
type Event struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"` // "created", "updated", "imported", later "check", "case", ...
	Actor  string    `json:"actor"`
	Detail string    `json:"detail"`
}

// PersonService reads and changes students, staff and guardians.
type PersonService interface {
	// FindPersonByID returns one person. NotFound.
	FindPersonByID(ctx context.Context, id int64) (*Person, error)
	// FindPeople returns the people the filter selects and the total.
	FindPeople(ctx context.Context, f PersonFilter) ([]*Person, int, error)
	// CreatePerson adds a person. Invalid (fields, or a class, room or route
	// outside the school), NotFound (school), Conflict (number or ID number taken).
	CreatePerson(ctx context.Context, p *Person) error
	// UpdatePerson changes a person. NotFound, Invalid, Conflict.
	UpdatePerson(ctx context.Context, id int64, u PersonUpdate) (*Person, error)
	// FindPersonFile returns a person's whole file. NotFound.
	FindPersonFile(ctx context.Context, id int64) (*PersonFile, error)
	// AddGuardian links a guardian (found by phone, or created) to a student.
	// Invalid, NotFound (student).
	AddGuardian(ctx context.Context, studentID int64, g *Guardian) error
	// ImportRoster writes a school's roster: all rows or none. Invalid with a
	// FieldError for every bad row; NotFound for an unknown school.
	ImportRoster(ctx context.Context, schoolID int64, rows []RosterRow) (*ImportResult, error)
}

type actorKey struct{}

// WithActorName returns a context that names who acts, for history lines.
// The access layer replaces this with a full actor.
func WithActorName(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, actorKey{}, name)
}

// ActorName returns the name of who acts in ctx, or "system".
func ActorName(ctx context.Context) string {
	if s, ok := ctx.Value(actorKey{}).(string); ok && s != "" {
		return s
	}
	if a := ActorFrom(ctx); a != nil && a.Name != "" {
		return a.Name
	}
	return "system"
}
