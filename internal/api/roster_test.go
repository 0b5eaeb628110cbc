package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// csvFile writes rows as UTF-8 CSV.
func csvFile(tb testing.TB, rows [][]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestRosterImport imports a good roster as .xlsx, again unchanged, and
// then changed as .csv.
func TestRosterImport(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := adminClient(t, s, tr)
		url := fmt.Sprintf("/api/v1/schools/%d/roster", tr.School.ID)
		idA, idB := validID("20190307", 13), validID("20190412", 22)
		c.secret(idA, idB, "13805961234", "13905965678")
		rows := [][]string{
			rosterHeader(),
			rosterRow(map[string]string{"kind": "学生", "number": "S1", "name": "陈小明", "id_number": idA, "grade": "一年级",
				"class": "1班", "boarding": "是", "dorm_room": "101", "bed": "1", "bus_route": "马铺线",
				"guardian_name": "陈建国", "guardian_phone": "13805961234", "guardian_relation": "父亲"}),
			rosterRow(map[string]string{"kind": "学生", "number": "S2", "name": "林小红", "id_number": idB, "grade": "一年级", "class": "2班"}),
			rosterRow(map[string]string{"kind": "教职工", "number": "T1", "name": "黄老师", "role": "班主任", "phone": "13905965678",
				"grade": "一年级", "class": "1班"}),
		}
		before := countPeople(t, s)
		r := c.upload(url, "花名册.xlsx", xlsxFile(t, rows))
		wantStatus(t, r, http.StatusOK)
		var res campusguard.ImportResult
		r.JSON(t, &res)
		if diff := cmp.Diff(campusguard.ImportResult{Rows: 3, Created: 3}, res); diff != "" {
			t.Errorf("first import (-want +got):\n%s", diff)
		}
		if after := countPeople(t, s); after != before+3 {
			t.Errorf("people = %d after importing 3, want %d", after, before+3)
		}

		r = c.upload(url, "花名册.xlsx", xlsxFile(t, rows))
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &res)
		if diff := cmp.Diff(campusguard.ImportResult{Rows: 3, Unchanged: 3}, res); diff != "" {
			t.Errorf("same import again (-want +got):\n%s", diff)
		}

		rows[2] = rosterRow(map[string]string{"kind": "学生", "number": "S2", "name": "林晓红", "id_number": idB, "grade": "一年级", "class": "1班"})
		r = c.upload(url, "roster.CSV", csvFile(t, rows))
		wantStatus(t, r, http.StatusOK)
		r.JSON(t, &res)
		if diff := cmp.Diff(campusguard.ImportResult{Rows: 3, Updated: 1, Unchanged: 2}, res); diff != "" {
			t.Errorf("changed import (-want +got):\n%s", diff)
		}

		// What was imported reads back through the API, masked.
		r = c.get(fmt.Sprintf("/api/v1/people?school_id=%d&class_id=%d", tr.School.ID, tr.Class1.ID))
		var people list[*campusguard.Person]
		r.JSON(t, &people)
		if people.Total != 3 {
			t.Errorf("class 1 after imports: %d people, want 3", people.Total)
		}
	})
}

// TestRosterImportBad checks that a bad roster is refused as a whole, with
// every bad row listed, and that nothing is written.
func TestRosterImportBad(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		tr := mustTree(t, s)
		c := adminClient(t, s, tr)
		url := fmt.Sprintf("/api/v1/schools/%d/roster", tr.School.ID)
		// Someone at the other school holds this ID number already.
		taken := validID("20180101", 33)
		c.secret(taken)
		if err := s.CreatePerson(ctx, &campusguard.Person{SchoolID: tr.Other.ID, Kind: campusguard.Student, Name: "郑小华",
			Number: "X1", IDNumber: taken, ClassID: &tr.OtherClass.ID}); err != nil {
			t.Fatal(err)
		}
		good := rosterRow(map[string]string{"kind": "学生", "number": "S1", "name": "陈小明", "grade": "一年级", "class": "1班"})
		student := func(cells map[string]string) []string {
			m := map[string]string{"kind": "学生", "name": "某某", "grade": "一年级", "class": "1班"}
			for k, v := range cells {
				m[k] = v
			}
			return rosterRow(m)
		}
		tests := []struct {
			name   string
			file   string
			rows   [][]string
			raw    []byte
			status int
			fields []string
		}{
			{"bad cells in many rows", "roster.xlsx", [][]string{rosterHeader(), good,
				student(map[string]string{"number": "S2", "id_number": badCheck(validID("20190307", 13))}),
				student(map[string]string{"number": "S1"}),
				student(map[string]string{"number": "S4", "name": ""}),
				student(map[string]string{"number": "S5", "gender": "男", "id_number": validID("20190307", 24), "guardian_phone": "123"}),
			}, nil, 422, []string{"3:id_number", "4:number", "5:name", "6:gender", "6:guardian_name", "6:guardian_phone"}},
			{"rows that do not fit the school", "roster.csv", [][]string{rosterHeader(), good,
				student(map[string]string{"number": "S2", "grade": "九年级", "class": "9班"}),
				student(map[string]string{"number": "S3", "boarding": "是", "dorm_room": "999"}),
				student(map[string]string{"number": "S4", "bus_route": "不存在线"}),
				student(map[string]string{"number": "S5", "id_number": taken}),
			}, nil, 422, []string{"3:class", "4:dorm_room", "5:bus_route", "6:id_number"}},
			{"bad cells and rows that do not fit, together", "roster.xlsx", [][]string{rosterHeader(), good,
				student(map[string]string{"number": "S2", "grade": "九年级", "class": "9班"}),
				student(map[string]string{"number": "S3", "id_number": badCheck(validID("20190307", 13))}),
			}, nil, 422, []string{"3:class", "4:id_number"}},
			{"unknown and missing columns", "roster.csv", [][]string{{"姓名", "血型"}, {"陈小明", "A"}}, nil, 422,
				nil /* checked below: row 1 */},
			{"no data rows", "roster.csv", [][]string{rosterHeader()}, nil, 422, []string{"file"}},
			{"wrong file type", "roster.txt", [][]string{rosterHeader(), good}, nil, 422, []string{"file"}},
			{"damaged workbook", "roster.xlsx", nil, []byte("PK\x03\x04 not really a workbook"), 422, []string{"file"}},
			{"too large", "roster.csv", nil, bytes.Repeat([]byte("a"), maxUploadBytes+1), 413, []string{"file"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				content := tt.raw
				if content == nil {
					if strings.HasSuffix(tt.file, ".xlsx") {
						content = xlsxFile(t, tt.rows)
					} else {
						content = csvFile(t, tt.rows)
					}
				}
				before := countPeople(t, s)
				r := c.upload(url, tt.file, content)
				wantStatus(t, r, tt.status)
				e := r.Err(t)
				if e.Code != campusguard.Invalid || e.Message == "" {
					t.Errorf("error = %+v, want invalid with a message", e)
				}
				if tt.fields != nil {
					if diff := cmp.Diff(tt.fields, e.fieldSet()); diff != "" {
						t.Errorf("fields (-want +got):\n%s", diff)
					}
				} else {
					for _, f := range e.Fields {
						if f.Row != 1 {
							t.Errorf("field %+v: want row 1, the header", f)
						}
					}
					if len(e.Fields) < 2 {
						t.Errorf("fields = %+v, want the unknown and the missing columns", e.Fields)
					}
				}
				for _, f := range e.Fields {
					if f.Message == "" || strings.HasPrefix(f.Message, "error.") {
						t.Errorf("field %+v: message not translated", f)
					}
				}
				if after := countPeople(t, s); after != before {
					t.Errorf("people = %d after a refused import, want %d", after, before)
				}
			})
		}

		// Requests that are not a roster upload at all.
		form := func(field string) req {
			body, ct := multipartFile(t, field, "roster.csv", csvFile(t, [][]string{rosterHeader(), good}))
			return req{method: "POST", path: url, body: body, contentType: ct}
		}
		formAt := func(path string) req {
			r := form("file")
			r.path = path
			return r
		}
		reqs := []struct {
			name   string
			r      req
			status int
			fields []string
		}{
			{"file in another field", form("upload"), 400, []string{"file"}},
			{"JSON instead of a form", jsonReq("POST", url, map[string]any{"file": "x"}), 400, []string{"file"}},
			{"no body", req{method: "POST", path: url}, 400, []string{"file"}},
			{"unknown school", formAt("/api/v1/schools/999999/roster"), 404, nil},
			{"not a school", formAt(fmt.Sprintf("/api/v1/schools/%d/roster", tr.Class1.ID)), 404, nil},
			{"non-numeric id", formAt("/api/v1/schools/one/roster"), 400, []string{"id"}},
		}
		for _, tt := range reqs {
			t.Run(tt.name, func(t *testing.T) {
				before := countPeople(t, s)
				r := c.do(tt.r)
				wantStatus(t, r, tt.status)
				if diff := cmp.Diff(tt.fields, r.Err(t).fieldSet()); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
				if after := countPeople(t, s); after != before {
					t.Errorf("people = %d after a refused import, want %d", after, before)
				}
			})
		}
	})
}

// TestRosterTemplates downloads both templates and opens them.
func TestRosterTemplates(t *testing.T) {
	c := newClient(t, Config{}, systemSessions{}).withToken("system")

	r := c.get("/api/v1/roster-template.xlsx")
	wantStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != xlsxType {
		t.Errorf("Content-Type = %q, want %q", ct, xlsxType)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".xlsx") {
		t.Errorf("Content-Disposition = %q, want an .xlsx attachment", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("excelize.OpenReader(template) = %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 || sheets[0] != "花名册" {
		t.Fatalf("sheets = %v, want 花名册 first", sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil || len(rows) < 1 {
		t.Fatalf("GetRows = %v, %v", rows, err)
	}
	for i, col := range campusguard.RosterColumns {
		if i >= len(rows[0]) || !strings.HasSuffix(rows[0][i], col.Header) {
			t.Errorf("header column %d = %q, want %s", i+1, rows[0], col.Header)
			break
		}
	}

	r = c.get("/api/v1/roster-template.csv")
	wantStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type = %q, want text/csv", ct)
	}
	body, ok := bytes.CutPrefix(r.Body, []byte("\xef\xbb\xbf"))
	if !ok {
		t.Errorf("CSV template has no UTF-8 byte-order mark")
	}
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(records) < 1 {
		t.Fatalf("read CSV template = %v, %v", records, err)
	}
	if len(records[0]) != len(campusguard.RosterColumns) || !strings.HasSuffix(records[0][0], campusguard.RosterColumns[0].Header) {
		t.Errorf("CSV header = %q", records[0])
	}
}
