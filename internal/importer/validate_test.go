package importer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/text/encoding/simplifiedchinese"

	"campusguard"
)

// TestValidateParsedRoster reads a school's sheet with good and bad rows,
// from xlsx (with numbers stored as numbers) and from GBK and UTF-8 CSV, and
// checks that campusguard.ValidateRoster reports every bad row, with its
// sheet row and column, and nothing about the good rows.
func TestValidateParsedRoster(t *testing.T) {
	boy := validID(t, "350623", "20150307", 11)
	girl := validID(t, "350623", "20140512", 22)
	teacher := validID(t, "350623", "19850611", 42)
	goodX := findIDWithX(t, "350623", "20150901")
	badCheck := boy[:17] + string("0123456789"[(strings.IndexByte("0123456789X", boy[17])+1)%10])
	feb30 := validID(t, "350623", "20150230", 31)
	future := validID(t, "350623", "20270101", 31)

	head := []string{"序号", "类别", "学号", "姓名", "性别", "身份证号码", "年级", "班级", "岗位", "寄宿", "宿舍", "床位", "家长姓名", "家长电话", "备注"}
	type bad struct {
		field, msg string
		args       []any
	}
	tests := []struct {
		row  []string
		bads []bad // none: a good row
	}{
		// 2: a good student.
		{row: []string{"1", "学生", "20260101", "张小明", "男", boy, "一年级", "1班", "", "否", "", "", "张建国", "13805961234"}},
		// 3: wrong check digit.
		{row: []string{"2", "学生", "20260102", "王小红", "女", badCheck, "一年级", "1班"},
			bads: []bad{{"id_number", "error.id_check", nil}}},
		// 4: an impossible birth date, 2015-02-30.
		{row: []string{"3", "学生", "20260103", "李四", "", feb30, "一年级", "1班"},
			bads: []bad{{"id_number", "error.id_birth", nil}}},
		// 5: the same number as row 2.
		{row: []string{"4", "学生", "20260101", "赵五", "女", girl, "一年级", "2班"},
			bads: []bad{{"number", "error.duplicate_in_file", []any{2}}}},
		// 6: the same ID number as row 2, in lower case here: still the same.
		{row: []string{"5", "学生", "20260106", "张晓明", "", strings.ToLower(boy), "一年级", "2班"},
			bads: []bad{{"id_number", "error.duplicate_in_file", []any{2}}}},
		// 7: no name.
		{row: []string{"6", "学生", "20260107", "", "男", "", "一年级", "2班"},
			bads: []bad{{"name", "error.required", nil}}},
		// 8: an unknown gender word.
		{row: []string{"7", "学生", "20260108", "钱七", "男性", "", "一年级", "2班"},
			bads: []bad{{"gender", "error.bad_choice", nil}}},
		// 9: a student without a class.
		{row: []string{"8", "学生", "20260109", "孙八", "女", "", "一年级", ""},
			bads: []bad{{"class", "error.required", nil}}},
		// 10: a good class teacher.
		{row: []string{"9", "教职工", "T001", "李老师", "女", teacher, "一年级", "1班", "班主任"}},
		// 11: empty row: skipped, no error, and the row numbers go on.
		{row: []string{"", "", "", "", "", "", "", "", "", "", "", "", "", "", "备注不算"}},
		// 12: a good boarder with an ID number ending in x.
		{row: []string{"10", "学生", "20260112", "周九", "", strings.ToLower(goodX), "一年级", "1班", "", "住校", "301", "2"}},
		// 13: several bad cells: a birth in the future, a post, a guardian without phone.
		{row: []string{"11", "学生", "20260113", "吴十", "", future, "一年级", "1班", "班主任", "", "", "", "吴父"},
			bads: []bad{{"id_number", "error.id_birth", nil}, {"role", "error.student_role", nil},
				{"guardian_phone", "error.required", nil}}},
		// 14: no kind, and a phone that is not one.
		{row: []string{"12", "", "20260114", "郑一", "", "", "一年级", "1班", "", "", "", "", "郑父", "1380596"},
			bads: []bad{{"kind", "error.required", nil}, {"guardian_phone", "error.phone", nil}}},
		// 15: a staff member without a post, in a dormitory.
		{row: []string{"13", "教职工", "T002", "王老师", "", "", "", "", "", "", "301"},
			bads: []bad{{"role", "error.required", nil}, {"dorm_room", "error.staff_dorm", nil}}},
		// 16: a good canteen worker; last row.
		{row: []string{"14", "教职工", "T003", "陈师傅", "男", "", "", "", "食堂人员"}},
	}
	sheet := [][]string{head}
	var want []campusguard.FieldError
	good := 0
	for i, tt := range tests {
		sheet = append(sheet, tt.row)
		for _, b := range tt.bads {
			want = append(want, campusguard.FieldError{Field: b.field, Row: i + 2, Msg: b.msg, Args: b.args})
		}
		if len(tt.bads) == 0 && tt.row[1] != "" {
			good++
		}
	}

	xlsxCells := strings2any(sheet)
	for _, r := range xlsxCells[1:] {
		// Excel stores typed digits as numbers.
		for _, c := range []int{2, 5, 13} {
			if c >= len(r) {
				continue
			}
			if s, ok := r[c].(string); ok && s != "" && !strings.ContainsAny(s, "Xx") && s[0] != 'T' {
				r[c] = mustInt(t, s)
			}
		}
	}
	files := []struct {
		name string
		file []byte
	}{
		{"roster.xlsx", xlsxFile(t, xlsxCells)},
		{"roster.csv", csvFile(t, sheet, nil, true)},
		{"gbk.csv", csvFile(t, sheet, simplifiedchinese.GBK, false)},
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			rows, err := Parse(bytes.NewReader(f.file), f.name, Options{})
			if err != nil {
				t.Fatalf("Parse(%s) = %v", f.name, err)
			}
			if len(rows) != len(tests)-1 {
				t.Errorf("Parse(%s) = %d rows, want %d", f.name, len(rows), len(tests)-1)
			}
			_, err = campusguard.ValidateRoster(rows, today)
			if campusguard.ErrorCode(err) != campusguard.Invalid {
				t.Fatalf("ValidateRoster(%s) = %v, want Invalid", f.name, err)
			}
			got := campusguard.ErrorFields(err)
			if diff := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b campusguard.FieldError) bool {
				if a.Row != b.Row {
					return a.Row < b.Row
				}
				return a.Field < b.Field
			})); diff != "" {
				t.Errorf("ValidateRoster(%s) fields mismatch (-want +got):\n%s", f.name, diff)
			}

			// Without the bad rows, the rest is accepted as it is.
			bad := map[int]bool{}
			for _, f := range want {
				bad[f.Row] = true
			}
			var goodRows []campusguard.RosterRow
			for _, r := range rows {
				if !bad[r.Row] {
					goodRows = append(goodRows, r)
				}
			}
			people, err := campusguard.ValidateRoster(goodRows, today)
			if err != nil || len(people) != good {
				t.Errorf("ValidateRoster(%s good rows) = %d people, %v, want %d and no error", f.name, len(people), err, good)
			}
		})
	}
}

// findIDWithX returns a valid ID number for region and birth date whose
// check character is X.
func findIDWithX(tb testing.TB, region, birth string) string {
	tb.Helper()
	for seq := 1; seq < 1000; seq++ {
		if id := validID(tb, region, birth, seq); id[17] == 'X' {
			return id
		}
	}
	tb.Fatalf("findIDWithX(%s, %s): none", region, birth)
	return ""
}
