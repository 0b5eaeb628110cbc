package sqlstore

import (
	"strings"

	"campusguard"
)

// auditScope returns the condition that limits the audit log to what an
// actor with ReadAudit on paths may read. The log is kept per region tree:
// an actor whose grant is a tree's root (a county bureau) reads the tree's
// whole log; one lower down (a town) reads only the lines about things in
// its subtree: its orgs, their people, cases and accounts. Objects are
// matched as text ("person:12"), so no row's object is ever cast.
func auditScope(paths []string, arg func(any) string) string {
	var or []string
	for _, p := range paths {
		ids := campusguard.PathIDs(p)
		if len(ids) == 0 {
			continue
		}
		region := arg(ids[0])
		if len(ids) == 1 {
			or = append(or, "region_id = "+region)
			continue
		}
		lo, hi := subtree(p)
		in := func(col string) string { return col + " >= " + arg(lo) + " AND " + col + " < " + arg(hi) }
		or = append(or, "(region_id = "+region+" AND object IN ("+
			"SELECT 'org:' || CAST(o.id AS TEXT) FROM orgs o WHERE "+in("o.path")+
			" UNION ALL SELECT 'person:' || CAST(p.id AS TEXT) FROM people p JOIN orgs s ON s.id = p.school_id WHERE "+in("s.path")+
			" UNION ALL SELECT 'case:' || CAST(c.id AS TEXT) FROM cases c JOIN orgs s ON s.id = c.school_id WHERE "+in("s.path")+
			" UNION ALL SELECT 'user:' || CAST(g.user_id AS TEXT) FROM grants g JOIN orgs o ON o.id = g.org_id WHERE "+in("o.path")+"))")
	}
	if len(or) == 0 {
		return "1 = 0"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}
