package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// BenchmarkRegionFigures is issue 4's roll-up read target: the region's
// figures of one day through the service every page and the API use
// (Store.Rollups: the caller's access check and the pre-aggregated row),
// against the one SQL query that reads the pre-aggregated row (prepared,
// the best plain SQL can do) and the GROUP BY over the day's raw checks
// that computing the figures on each view would need, in the same run. The
// API over loopback HTTP is reported too, for the whole round trip.
//
// Against the 1,000,000-student demo (see BenchmarkHomeReportsHTTP):
//
//	CAMPUSGUARD_BENCH_SQLITE=/tmp/city.db go test -run NONE -bench RegionFigures -count 6 ./internal/app
func BenchmarkRegionFigures(b *testing.B) {
	for _, d := range sqlstoretest.Dialects(b) {
		s := benchStore(b, d)
		b.Cleanup(func() { s.Close() })
		token, county := benchToken(b, s)
		var day campusguard.Date
		if err := s.DB().QueryRow(`SELECT day FROM rollups WHERE org_id = $1 ORDER BY reported DESC, day DESC LIMIT 1`, county).Scan(&day); err != nil {
			b.Fatalf("no roll-ups for the county: %v", err)
		}
		want := countyFigures(b, s, county, day)
		b.Logf("%s: county %d, %s: %+v", d, county, day, want)

		b.Run(d+"/service", func(b *testing.B) {
			ctx := campusguard.WithActor(context.Background(), &campusguard.Actor{Name: "bench",
				Grants: []campusguard.Grant{{Role: campusguard.RegionAdmin, OrgID: county, OrgPath: fmt.Sprintf("/%d/", county)}}})
			for b.Loop() {
				rs, err := s.Rollups(ctx, county, day, day)
				if err != nil || len(rs) != 1 || rs[0].Reported != want.Reported {
					b.Fatalf("Rollups = %+v, %v; want reported %d", rs, err, want.Reported)
				}
			}
		})
		b.Run(d+"/single-sql", func(b *testing.B) {
			st, err := s.DB().Prepare(`SELECT expected, reported, abnormal, fever, absent, ill_absent, open_followups
				FROM rollups WHERE org_id = $1 AND day = $2`)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			for b.Loop() {
				var r campusguard.Rollup
				if err := st.QueryRow(county, day).Scan(&r.Expected, &r.Reported, &r.Abnormal, &r.Fever, &r.Absent,
					&r.IllAbsent, &r.OpenFollowUps); err != nil || r.Reported != want.Reported {
					b.Fatalf("single SQL = %+v, %v", r, err)
				}
			}
		})
		b.Run(d+"/group-by-raw", func(b *testing.B) {
			for b.Loop() {
				if got := countyFigures(b, s, county, day); got != want {
					b.Fatalf("GROUP BY = %+v, want %+v", got, want)
				}
			}
		})
		m := &app.Main{Open: s, Addr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if err := m.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { m.Close() })
		b.Run(d+"/http", func(b *testing.B) {
			url := fmt.Sprintf("%s/api/v1/orgs/%d/rollups?from=%s&to=%s", m.URL(), county, day, day)
			client := &http.Client{}
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var body struct {
					Items []campusguard.Rollup `json:"items"`
				}
				err = json.NewDecoder(resp.Body).Decode(&body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK || len(body.Items) != 1 || body.Items[0].Reported != want.Reported {
					b.Fatalf("GET roll-ups: %d %+v %v", resp.StatusCode, body, err)
				}
			}
		})
	}
}

// countyFigures computes the county's reported, abnormal and fever counts
// of day from the raw checks: the GROUP BY a page would run without
// roll-ups.
func countyFigures(b *testing.B, s *sqlstore.Store, county int64, day campusguard.Date) campusguard.Rollup {
	b.Helper()
	var r campusguard.Rollup
	var rep, abn, fev sql.NullInt64
	err := s.DB().QueryRow(`SELECT COUNT(*), SUM(a), SUM(f) FROM (
			SELECT c.person_id, MAX(CASE WHEN c.abnormal THEN 1 ELSE 0 END) AS a, MAX(CASE WHEN c.fever THEN 1 ELSE 0 END) AS f,
				MAX(CASE WHEN c.attendance <> 'absent' THEN 1 ELSE 0 END) AS p
			FROM checks c JOIN people p ON p.id = c.person_id
			WHERE c.region_id = $1 AND c.day = $2 AND c.current = TRUE AND p.kind = 'student'
			GROUP BY c.person_id) t WHERE t.p = 1`, county, day).Scan(&rep, &abn, &fev)
	if err != nil {
		b.Fatal(err)
	}
	r.Reported, r.Abnormal, r.Fever = int(rep.Int64), int(abn.Int64), int(fev.Int64)
	return r
}
