// Package thumb makes the small JPEG thumbnails of evidence photos shown on
// list pages. It decodes JPEG, PNG and WebP in pure Go (golang.org/x/image
// for WebP); HEIC is refused at upload (see docs/decisions.md).
package thumb

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // registers PNG

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // registers WebP
)

// Size is the longest side of a thumbnail, in pixels.
const Size = 240

// maxPixels bounds the decoded image (a 10 MiB file may declare a huge
// canvas): 64 megapixels, a phone camera's largest photo with room to spare.
const maxPixels = 64 << 20

// Make returns a JPEG thumbnail of the image in b, at most Size pixels on
// its longest side; an error for bytes that do not decode as an image.
func Make(b []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("thumbnail: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return nil, fmt.Errorf("thumbnail: %dx%d pixels", cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("thumbnail: %w", err)
	}
	w, h := cfg.Width, cfg.Height
	if w > Size || h > Size {
		if w >= h {
			w, h = Size, max(1, h*Size/w)
		} else {
			w, h = max(1, w*Size/h), Size
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, fmt.Errorf("thumbnail: %w", err)
	}
	return out.Bytes(), nil
}
