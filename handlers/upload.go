package handlers

import (
	"bytes"
	"image"
	_ "image/jpeg" // decoders for image.DecodeConfig
	_ "image/png"
	"io"
	"mime/multipart"
	"net/http"

	_ "golang.org/x/image/webp"

	"zhaocuo/models"
)

// Largest screenshot dimensions accepted: enough for a long phone capture, small enough that a
// crafted image cannot make a viewer decode gigapixels.
const maxScreenshotPixels = 60_000_000

var screenshotTypes = map[string]string{"image/png": "png", "image/jpeg": "jpeg", "image/webp": "webp"}

// readScreenshot checks an uploaded screenshot by its content, not its name or declared type:
// the bytes must sniff as PNG, JPEG or WebP and decode as that format.
func readScreenshot(fh *multipart.FileHeader) (*models.Screenshot, error) {
	invalid := func(msg string) error { return models.Invalid("screenshot", msg) }
	if fh.Size > models.MaxScreenshot {
		return nil, invalid("截图不能超过 5 MB")
	}
	f, err := fh.Open()
	if err != nil {
		return nil, invalid("截图无法读取")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, models.MaxScreenshot+1))
	if err != nil {
		return nil, invalid("截图无法读取")
	}
	return checkScreenshot(data)
}

func checkScreenshot(data []byte) (*models.Screenshot, error) {
	invalid := func(msg string) error { return models.Invalid("screenshot", msg) }
	if len(data) > models.MaxScreenshot {
		return nil, invalid("截图不能超过 5 MB")
	}
	if len(data) == 0 {
		return nil, invalid("截图是空文件")
	}
	ct := http.DetectContentType(data)
	format, ok := screenshotTypes[ct]
	if !ok {
		return nil, invalid("截图只能是 PNG、JPEG 或 WebP 图片")
	}
	cfg, decoded, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || decoded != format {
		return nil, invalid("截图文件已损坏或不是有效的图片")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxScreenshotPixels {
		return nil, invalid("截图尺寸过大")
	}
	return &models.Screenshot{ContentType: ct, Data: data}, nil
}
