package importer

import (
	"bytes"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"campusguard"
)

func FuzzParseCSV(f *testing.F) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("类别,学号,姓名\r\n学生,1,张三\r\n"))
	if err != nil {
		f.Fatal(err)
	}
	var template, written bytes.Buffer
	if err := WriteTemplate(&template, ".csv"); err != nil {
		f.Fatal(err)
	}
	if err := WriteRosterCSV(&written, fillRows(f)); err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{
		nil,
		[]byte("类别,学号,姓名\n学生,1,张三\n"),
		[]byte("\xef\xbb\xbf类别,学号,姓名\r\n\r\n学生,1,张三\r\n,,\r\n学生,2\r\n"),
		[]byte("kind,number,name,id_number\n学生,\"1,2\",\"张\"\"三\",=\"123\"\n"),
		[]byte("类别,学号,姓名\n学生,1,\"张\n三\"\n\n\n学生,2,李四"),
		[]byte("类别,学号,姓名,序号,备注,\n,,,1,x,y\n学生,1,张三,2,,\n"),
		[]byte("类别,学号,姓名\n学生,1,\"张三\n"),
		[]byte("类别,学号,学号,民族\n"),
		[]byte("类别,学号,姓名\r学生,1,张三\r"),
		[]byte("\xff\xfe\x00\x00"),
		gbk,
		template.Bytes(),
		written.Bytes(),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := Parse(bytes.NewReader(b), "fuzz.csv", Options{MaxRows: 100})
		if err != nil {
			if campusguard.ErrorCode(err) != campusguard.Invalid {
				t.Fatalf("Parse(%q) = %v, want an Invalid error for any bad file", b, err)
			}
			if rows != nil {
				t.Fatalf("Parse(%q) = %d rows and %v, want no rows with an error", b, len(rows), err)
			}
			return
		}
		prev := 1
		for _, r := range rows {
			if r.Row <= prev {
				t.Fatalf("Parse(%q): row %d after row %d, want rows >= 2, strictly increasing", b, r.Row, prev)
			}
			prev = r.Row
		}
	})
}
