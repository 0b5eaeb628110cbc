package campusguard

import (
	"bytes"
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Evidence files: photos and PDFs a school uploads as proof (a readiness
// item's answer, a plan; later supervision, supplies and drills). They are
// kept in the database, so every server of an installation shares them and
// a backup holds them; the same bytes uploaded twice in a region are kept
// once. A file is served only to those who may see the record it belongs
// to, with the type its bytes show, never as HTML.

// MaxFileSize is the largest evidence file, in bytes (10 MiB).
const MaxFileSize = 10 << 20

// The types an evidence file may have, as sniffed from its bytes.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
	TypePDF  = "application/pdf"
	typeHEIC = "image/heic" // recognised only to refuse it with its own message
)

// FileTypes are the types accepted.
var FileTypes = []string{TypeJPEG, TypePNG, TypeWebP, TypePDF}

// MaxFileName is the longest file name kept, in characters.
const MaxFileName = 120

// File is an evidence file's description; its bytes are read separately.
type File struct {
	ID         int64     `json:"id"`
	RegionID   int64     `json:"region_id"`
	OrgID      int64     `json:"org_id"` // the school or region whose record it belongs to
	SHA256     string    `json:"sha256"` // hex
	Size       int64     `json:"size"`
	Type       string    `json:"type"` // sniffed: one of FileTypes
	Name       string    `json:"name"`
	UploadedBy string    `json:"uploaded_by"`
	CreatedAt  time.Time `json:"created_at"`
	Thumb      bool      `json:"thumb"` // a thumbnail is kept (images)
}

// Image reports whether the file is a photo.
func (f File) Image() bool { return strings.HasPrefix(f.Type, "image/") }

// Upload is a file as received: its name, the type the client claimed
// (a multipart part's Content-Type; "" or application/octet-stream for
// none) and its bytes.
type Upload struct {
	OrgID   int64
	Name    string
	Claimed string
	Data    []byte
}

// SniffType returns the type the bytes of a file show: one of FileTypes,
// image/heic, or "" when none of them.
func SniffType(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return TypeJPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case len(b) >= 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP")):
		return TypeWebP
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return TypePDF
	case len(b) >= 12 && bytes.Equal(b[4:8], []byte("ftyp")):
		switch string(b[8:12]) {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1":
			return typeHEIC
		}
	}
	return ""
}

// claimedAlias maps other spellings of a type a client may send.
var claimedAlias = map[string]string{"image/jpg": TypeJPEG, "image/pjpeg": TypeJPEG, "application/x-pdf": TypePDF,
	"image/heif": typeHEIC}

// Check validates an upload and returns the type its bytes show: Invalid
// naming the field "file" for an empty one, one over MaxFileSize, one of
// another type (HEIC with its own message: no library without cgo reads
// it), or one whose bytes do not match the type the client claimed.
func (u Upload) Check() (string, error) {
	var fe fieldErrors
	switch {
	case len(u.Data) == 0:
		fe.add("file", "error.required")
	case len(u.Data) > MaxFileSize:
		fe.add("file", "error.too_large", MaxFileSize>>20)
	}
	if fe != nil {
		return "", fe.err()
	}
	got := SniffType(u.Data)
	claimed := strings.ToLower(strings.TrimSpace(strings.SplitN(u.Claimed, ";", 2)[0]))
	if a, ok := claimedAlias[claimed]; ok {
		claimed = a
	}
	switch {
	case got == typeHEIC || claimed == typeHEIC && got == "":
		fe.add("file", "error.file_heic")
	case got == "":
		fe.add("file", "error.evidence_type")
	case claimed != "" && claimed != "application/octet-stream" && claimed != got:
		fe.add("file", "error.file_mismatch", claimed, got)
	}
	if utf8.RuneCountInString(u.Name) > MaxFileName || !utf8.ValidString(u.Name) {
		fe.add("name", "error.too_long", MaxFileName)
	}
	return got, fe.err()
}

// FileExt is the usual name ending of a type, with its dot.
func FileExt(typ string) string {
	switch typ {
	case TypeJPEG:
		return ".jpg"
	case TypePNG:
		return ".png"
	case TypeWebP:
		return ".webp"
	case TypePDF:
		return ".pdf"
	}
	return ".bin"
}

// FileService keeps evidence files.
type FileService interface {
	// PutFile stores an upload for a record of the school or region
	// OrgID: for those who may write there (a school's admins and health
	// officers, the region's admins); NotFound for a node the actor does
	// not see, Forbidden for a reader; Invalid for a bad upload. The same
	// bytes already stored in the region are not stored again.
	PutFile(ctx context.Context, u Upload) (*File, error)
	// FindFile returns a file's description, for those who read its node;
	// NotFound otherwise.
	FindFile(ctx context.Context, id int64) (*File, error)
	// FileContent returns a file's bytes (thumb: its thumbnail, NotFound
	// when it has none), on the same terms as FindFile.
	FileContent(ctx context.Context, id int64, thumb bool) (*File, []byte, error)
}
