package sqlstore

import (
	"context"
	"strconv"

	"campusguard"
)

// auditIDSearch records a search by an exact ID number as a reveal of each
// person it found ("search_id_number"), or one line when it found no one:
// a search confirms a guessed number as a reveal shows it.
func (s *Store) auditIDSearch(ctx context.Context, a *campusguard.Actor, found []*campusguard.Person) error {
	return s.inTx(ctx, func(tx *Tx) error {
		if len(found) == 0 {
			var region int64
			for _, g := range a.Grants {
				if g.Allows(campusguard.RevealIdentity) {
					if o, err := findOrgByID(ctx, tx, g.OrgID); err == nil && g.OrgID != 0 {
						region = o.RegionID
						break
					}
				}
			}
			return audit(ctx, tx, region, "search_id_number", "", "0")
		}
		for _, p := range found {
			if err := audit(ctx, tx, p.RegionID, "search_id_number", "person:"+strconv.FormatInt(p.ID, 10), ""); err != nil {
				return err
			}
		}
		return nil
	})
}
