package campusguard

import "context"

// BusFigures is one bus route's day, counted (SPEC §3, 路途): what school
// transport needs, with no person in it.
type BusFigures struct {
	RouteID    int64  `json:"route_id"`
	RouteName  string `json:"route_name"`
	Plate      string `json:"plate,omitempty"`
	SchoolID   int64  `json:"school_id"`
	SchoolName string `json:"school_name"`
	Riders     int    `json:"riders"`    // active students who ride it
	Boardings  int    `json:"boardings"` // bus checks recorded that day
	Fever      int    `json:"fever"`     // of which at or above the fever threshold
	NoMask     int    `json:"no_mask"`   // of which without a mask
}

// TransportService reads the school buses' figures.
type TransportService interface {
	// BusFigures returns the day's figures of every bus route of the
	// schools under an org node. NotFound (out of scope), Forbidden (a
	// reader whose role or duty does not read them).
	BusFigures(ctx context.Context, orgID int64, day Date) ([]*BusFigures, error)
}
