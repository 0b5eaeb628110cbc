package app_test

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
	"time"

	"campusguard"
	"campusguard/internal/importer"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// rosterSchool makes a school with grades × classes classes.
func rosterSchool(tb testing.TB, s *sqlstore.Store, grades, classes int) *campusguard.Org {
	tb.Helper()
	ctx := sqlstoretest.Ctx
	county := &campusguard.Org{Kind: campusguard.KindRegion, Level: campusguard.LevelCounty, Name: "云霄县"}
	if err := s.CreateOrg(ctx, county); err != nil {
		tb.Fatal(err)
	}
	school := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Senior, Name: "云霄县第一中学", Code: "35220001", ParentID: &county.ID}
	if err := s.CreateOrg(ctx, school); err != nil {
		tb.Fatal(err)
	}
	for g := 1; g <= grades; g++ {
		grade := &campusguard.Org{Kind: campusguard.KindGrade, Name: fmt.Sprintf("%d年级", g), GradeYear: g, ParentID: &school.ID}
		if err := s.CreateOrg(ctx, grade); err != nil {
			tb.Fatal(err)
		}
		for c := 1; c <= classes; c++ {
			if err := s.CreateOrg(ctx, &campusguard.Org{Kind: campusguard.KindClass, Name: fmt.Sprintf("%d班", c), ParentID: &grade.ID}); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return school
}

// rosterRows returns n valid student rows spread over the classes, each
// with a guardian.
func rosterRows(n, grades, classes int) []campusguard.RosterRow {
	rows := make([]campusguard.RosterRow, n)
	surnames := []rune("陈林黄张吴李王方汤郑")
	given := []rune("小明华丽伟芳娜敏静强军杰涛")
	for i := range rows {
		birth := time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/1000)
		body := fmt.Sprintf("350622%s%03d", birth.Format("20060102"), i%1000)
		g, c := 1+i%grades, 1+(i/grades)%classes
		rows[i] = campusguard.RosterRow{
			Row: i + 2, Kind: "学生", Number: fmt.Sprintf("S%07d", i), Name: string([]rune{surnames[i%10], given[i%13], given[(i/13)%13]}),
			IDNumber: body + string(campusguard.IDCheckChar(body)), Grade: fmt.Sprintf("%d年级", g), Class: fmt.Sprintf("%d班", c),
			Boarding: "否", Town: "云陵镇", GuardianName: "家长" + fmt.Sprint(i), GuardianPhone: fmt.Sprintf("139%08d", i),
			GuardianRelation: "母亲",
		}
	}
	return rows
}

// BenchmarkImportRoster100k parses a 100,000-student .xlsx and imports it
// into an empty school, on each database of the run. Reported: rows/s and
// the peak Go heap during the import.
//
//	go test -run NONE -bench ImportRoster100k -benchtime 1x ./internal/app
func BenchmarkImportRoster100k(b *testing.B) {
	n, grades, classes := 100_000, 10, 200
	if testing.Short() {
		n, grades, classes = 5_000, 2, 10 // CI runs every benchmark once, briefly, to keep them working
	}
	var xlsx bytes.Buffer
	if err := importer.WriteRosterXLSX(&xlsx, rosterRows(n, grades, classes)); err != nil {
		b.Fatal(err)
	}
	b.Logf("xlsx: %.1f MB", float64(xlsx.Len())/1e6)
	for _, d := range sqlstoretest.Dialects(b) {
		b.Run(d, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := sqlstoretest.OpenDialect(b, d)
				school := rosterSchool(b, s, grades, classes)
				runtime.GC()
				stop := trackHeap()
				b.StartTimer()
				rows, err := importer.Parse(bytes.NewReader(xlsx.Bytes()), "roster.xlsx", importer.Options{})
				if err != nil {
					b.Fatal(err)
				}
				res, err := s.ImportRoster(sqlstoretest.Ctx, school.ID, rows)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				peak := stop()
				if res.Created != n {
					b.Fatalf("created %d, want %d", res.Created, n)
				}
				b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
				b.StartTimer()
			}
		})
	}
}

// trackHeap samples the heap every 10 ms until stopped and returns the
// largest value seen.
func trackHeap() (stop func() uint64) {
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var max uint64
		var ms runtime.MemStats
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			max = maxU(max, ms.HeapAlloc)
			select {
			case <-done:
				peak <- max
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-peak }
}

func maxU(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}
