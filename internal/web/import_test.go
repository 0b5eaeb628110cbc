package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"campusguard"
	"campusguard/internal/sqlstore"
	"campusguard/internal/sqlstore/sqlstoretest"
	"campusguard/internal/web"
)

// rosterHeader is the template's header row.
func rosterHeader() []string {
	var h []string
	for _, c := range campusguard.RosterColumns {
		h = append(h, c.Header)
	}
	return h
}

// rosterRow returns a row of the template from column key to value.
func rosterRow(cells map[string]string) []string {
	row := make([]string, len(campusguard.RosterColumns))
	for i, c := range campusguard.RosterColumns {
		row[i] = cells[c.Key]
	}
	return row
}

func csvFile(rows ...[]string) []byte {
	var b strings.Builder
	for _, r := range append([][]string{rosterHeader()}, rows...) {
		b.WriteString(strings.Join(r, ",") + "\r\n")
	}
	return []byte(b.String())
}

func xlsxFile(tb testing.TB, rows ...[]string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for i, r := range append([][]string{rosterHeader()}, rows...) {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// peopleOf returns the numbers of a school's people.
func peopleOf(tb testing.TB, s *sqlstore.Store, schoolID int64) []string {
	tb.Helper()
	people, _, err := s.FindPeople(ctx, campusguard.PersonFilter{SchoolID: &schoolID})
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, p := range people {
		out = append(out, p.Number)
	}
	return out
}

func TestImportForm(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		p := admin.get(t, srv.URL+"/orgs/"+itoa(f.school.ID)+"/import")
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		form := p.all(t, testid("import-form"))[0]
		if attr(form, "method") != "post" || attr(form, "enctype") != "multipart/form-data" ||
			attr(form, "action") != "/orgs/"+itoa(f.school.ID)+"/import" {
			t.Errorf("form = %v", form.Attr)
		}
		if got := attr(p.all(t, testid("template-xlsx"))[0], "href"); got != "/import/template.xlsx" {
			t.Errorf("template link = %q", got)
		}
		if !strings.Contains(p.body, "20 MB") {
			t.Errorf("the form does not tell the size limit")
		}
		if len(p.all(t, testid("import-result"))) != 0 || len(p.all(t, testid("import-failed"))) != 0 {
			t.Errorf("a fresh form shows an outcome")
		}
	})
}

func TestImportGood(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		url := srv.URL + "/orgs/" + itoa(f.school.ID) + "/import"
		rows := [][]string{
			rosterRow(map[string]string{"kind": "学生", "number": "S101", "name": "张小明", "gender": "男",
				"id_number": validID("20190101", 31), "grade": "一年级", "class": "2班", "boarding": "是",
				"dorm_room": "男生101", "bed": "1", "bus_route": "马铺线", "town": "云陵镇", "village": "城关村",
				"guardian_name": "张建国", "guardian_phone": "13805960002", "guardian_relation": "父亲"}),
			rosterRow(map[string]string{"kind": "学生", "number": "S102", "name": "李小华", "gender": "女",
				"id_number": validID("20190202", 42), "grade": "一年级", "class": "2班", "boarding": "否",
				"guardian_name": "李伟", "guardian_phone": "13805960003", "guardian_relation": "母亲"}),
			rosterRow(map[string]string{"kind": "教职工", "number": "T101", "name": "赵老师", "phone": "13905960009", "role": "教师"}),
		}
		p := admin.postFile(t, url, "花名册.csv", csvFile(rows...))
		if p.status != http.StatusOK {
			t.Fatalf("POST good CSV = %d:\n%s", p.status, p.body)
		}
		want := map[string]string{testid("import-rows"): "3", testid("import-created"): "3",
			testid("import-updated"): "0", testid("import-unchanged"): "0", testid("import-file"): "花名册.csv"}
		for sel, w := range want {
			if got := p.text(t, sel); got != w {
				t.Errorf("%s = %q, want %q", sel, got, w)
			}
		}
		if diff := cmp.Diff([]string{"S001", "S002", "S101", "S102", "T001", "T101"}, peopleOf(t, s, f.school.ID)); diff != "" {
			t.Errorf("people after import (-want +got):\n%s", diff)
		}
		// The class page shows them.
		cp := admin.get(t, srv.URL+"/orgs/"+itoa(f.class2.ID))
		if diff := cmp.Diff([]string{"张小明", "李小华"}, cp.texts(t, testid("student-row")+" "+testid("person-link"))); diff != "" {
			t.Errorf("class 2 after import (-want +got):\n%s", diff)
		}

		// The same file again, as xlsx with one change: updated and unchanged.
		rows[1][2] = "李晓华"
		p = admin.postFile(t, url, "roster.xlsx", xlsxFile(t, rows...))
		want = map[string]string{testid("import-created"): "0", testid("import-updated"): "1", testid("import-unchanged"): "2"}
		for sel, w := range want {
			if got := p.text(t, sel); got != w {
				t.Errorf("re-import %s = %q, want %q", sel, got, w)
			}
		}
	})
}

func TestImportBad(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		f := mustFixture(t, s)
		srv := newServer(t, s)
		admin := signIn(t, s, grant(campusguard.RegionAdmin, f.county))
		url := srv.URL + "/orgs/" + itoa(f.school.ID) + "/import"
		// Someone at another school of the county holds this ID number.
		school2 := &campusguard.Org{Kind: campusguard.KindSchool, SchoolType: campusguard.Junior, Name: "云陵中学", ParentID: &f.town.ID}
		if err := s.CreateOrg(ctx, school2); err != nil {
			t.Fatal(err)
		}
		takenID := validID("20100808", 17)
		if err := s.CreatePerson(ctx, &campusguard.Person{SchoolID: school2.ID, Kind: campusguard.Staff, Role: campusguard.RoleOtherStaff,
			Name: "郑某", Number: "X1", IDNumber: takenID}); err != nil {
			t.Fatal(err)
		}
		good := validID("20190101", 31)
		badCheck := good[:17] + string("0123456789"[(strings.IndexByte("0123456789", good[17])+1)%10])
		if good[17] == 'X' {
			badCheck = good[:17] + "0"
		}
		student := func(number, name, id, class string) []string {
			return rosterRow(map[string]string{"kind": "学生", "number": number, "name": name, "id_number": id,
				"grade": "一年级", "class": class})
		}
		type line struct{ Row, Column, Reason string }
		tests := []struct {
			name    string
			file    string
			content []byte
			status  int
			message string
			want    []line
		}{
			{
				name: "check digit, duplicate and unknown class", file: "bad.csv",
				content: csvFile(
					student("S201", "周一", badCheck, "1班"),
					student("S202", "周二", validID("20190303", 51), "1班"),
					student("S202", "周三", validID("20190404", 61), "2班"),
					student("S204", "", validID("20190505", 71), "1班"),
					student("S205", "周五", validID("20190606", 71), "9班"),
				),
				status: 422, message: "输入有误，请检查标出的项目",
				want: []line{
					{"2", "身份证号", "身份证号校验位错误"},
					{"4", "学号/工号", "与第 3 行重复"},
					{"5", "姓名", "必填"},
					{"6", "班级", "学校里没有这个年级和班级"},
				},
			},
			{
				name: "unknown class and bus route", file: "bad.csv",
				content: csvFile(
					student("S301", "吴一", validID("20190606", 81), "9班"),
					rosterRow(map[string]string{"kind": "学生", "number": "S302", "name": "吴二", "grade": "一年级",
						"class": "1班", "bus_route": "不存在线"}),
					student("S303", "吴三", validID("20190707", 91), "二年级"),
				),
				status: 422, message: "输入有误，请检查标出的项目",
				want: []line{
					{"2", "班级", "学校里没有这个年级和班级"},
					{"3", "校车线路", "学校里没有这条校车线路"},
					{"4", "班级", "学校里没有这个年级和班级"},
				},
			},
			{
				name: "ID number of someone at another school", file: "bad.xlsx",
				content: xlsxFile(t, student("S401", "郑一", takenID, "1班")),
				status:  422, message: "输入有误，请检查标出的项目",
				want: []line{{"2", "身份证号", "身份证号已被其他人使用"}},
			},
			{
				name: "unknown and missing columns", file: "bad.csv",
				content: []byte("类别,姓名,血型\r\n学生,张三,A\r\n"),
				status:  422, message: "输入有误，请检查标出的项目",
				want: []line{{"1", "血型", "不认识这一列"}, {"1", "学号/工号", "缺少这一列"}},
			},
			{
				name: "no rows", file: "empty.csv", content: csvFile(),
				status: 422, message: "输入有误，请检查标出的项目",
				want: []line{{"—", "文件", "文件中没有数据行"}},
			},
			{
				name: "not a spreadsheet", file: "roster.txt", content: []byte("hello"),
				status: 422, message: "只支持 .xlsx 和 .csv 文件",
				want: []line{{"—", "文件", "只支持 .xlsx 和 .csv 文件"}},
			},
			{
				name: "no file", file: "", status: 422, message: "输入有误，请检查标出的项目",
				want: []line{{"—", "文件", "必填"}},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := peopleOf(t, s, f.school.ID)
				p := admin.postFile(t, url, tt.file, tt.content)
				if p.status != tt.status {
					t.Fatalf("POST = %d, want %d:\n%s", p.status, tt.status, p.body)
				}
				if got := p.text(t, testid("import-nothing")); got != "导入失败：没有导入任何数据" {
					t.Errorf("failure heading = %q", got)
				}
				if got := p.text(t, testid("import-message")); got != tt.message {
					t.Errorf("message = %q, want %q", got, tt.message)
				}
				var got []line
				for _, r := range p.all(t, testid("import-error")) {
					got = append(got, line{nodeText(find(t, r, testid("error-row"))),
						nodeText(find(t, r, testid("error-column"))), nodeText(find(t, r, testid("error-reason")))})
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("errors (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(before, peopleOf(t, s, f.school.ID)); diff != "" {
					t.Errorf("a refused import changed the people (-before +after):\n%s", diff)
				}
				if len(p.all(t, testid("import-form"))) != 1 {
					t.Errorf("the failure page has no form to try again")
				}
			})
		}
		// The reasons are translated, with their arguments.
		p := admin.postFile(t, url, "bad.csv", tests[0].content, "Accept-Language: en")
		if got := p.texts(t, testid("error-reason")); !cmp.Equal(got, []string{"The ID number's check digit is wrong", "Same as row 3", "Required", "The school has no such grade and class"}) {
			t.Errorf("English reasons = %q", got)
		}
		p = admin.postFile(t, url, "bad.csv", tests[0].content, "Accept-Language: zh-TW")
		if got := p.texts(t, testid("error-reason")); !cmp.Equal(got, []string{"身份證號校驗位錯誤", "與第 3 列重複", "必填", "學校裡沒有這個年級和班級"}) {
			t.Errorf("Traditional reasons = %q", got)
		}
	})
}

func TestImportTooLarge(t *testing.T) {
	s := sqlstoretest.Open(t)
	f := mustFixture(t, s)
	srv := newServerWith(t, s, web.Config{Orgs: s, People: s, Access: s, Logger: discardLogger(), MaxUpload: 1 << 20})
	admin := signIn(t, s, grant(campusguard.SchoolAdmin, f.school))
	url := srv.URL + "/orgs/" + itoa(f.school.ID) + "/import"
	for _, size := range []int{3 << 19, 4 << 20} { // over the file limit; over the request limit too
		p := admin.postFile(t, url, "big.csv", bytes.Repeat([]byte("x"), size))
		if p.status != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %d bytes = %d, want 413", size, p.status)
			continue
		}
		if got := p.text(t, testid("error-reason")); got != "文件太大（上限 1 MB）" {
			t.Errorf("reason = %q", got)
		}
	}
}

func TestImportTemplate(t *testing.T) {
	s := sqlstoretest.Open(t)
	f := mustFixture(t, s)
	srv := newServer(t, s)
	admin := signIn(t, s, grant(campusguard.ClassTeacher, f.class1)) // anyone signed in
	tests := []struct {
		path, ctype, magic string
	}{
		{"/import/template.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK"},
		{"/import/template.csv", "text/csv; charset=utf-8", ""},
	}
	for _, tt := range tests {
		p := admin.get(t, srv.URL+tt.path)
		if p.status != http.StatusOK || p.header.Get("Content-Type") != tt.ctype {
			t.Errorf("GET %s = %d %q", tt.path, p.status, p.header.Get("Content-Type"))
		}
		ext := tt.path[strings.LastIndexByte(tt.path, '.'):]
		want := `attachment; filename="roster-template` + ext + `"; filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF` + ext
		if got := p.header.Get("Content-Disposition"); got != want {
			t.Errorf("Content-Disposition = %q, want %q", got, want)
		}
		if !strings.HasPrefix(p.body, tt.magic) || len(p.body) < 100 {
			t.Errorf("GET %s body starts %q", tt.path, p.body[:min(len(p.body), 20)])
		}
		if tt.magic == "" && !strings.Contains(p.body, "姓名") {
			t.Errorf("CSV template lacks the headers: %.100s", p.body)
		}
	}
}
