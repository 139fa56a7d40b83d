package handlers

import (
	"context"
	"fmt"

	"github.com/mojocn/base64Captcha"
)

// captchaStore keeps answers where every replica can check them: the database.
type captchaStore interface {
	PutCaptcha(ctx context.Context, id, answer string) error
	CheckCaptcha(ctx context.Context, id, answer string) (bool, error)
}

// captchas issues and checks the digit captchas of the report form. Off (CAPTCHA=off), it issues
// none and lets every report through, for scripted use and load tests. Each client may draw
// captchaFactor times the hourly report limit: enough for a citizen who reloads the form, and
// what bounds the answers a client keeps stored (they expire after models.CaptchaTTL and are
// removed hourly).
type captchas struct {
	store  captchaStore
	limits *limiter
	driver base64Captcha.Driver
	on     bool
}

const captchaFactor = 10

// captcha is one issued challenge: its id, and the image as a data: URL.
type captcha struct {
	ID    string `json:"captcha_id"`
	Image string `json:"image"`
}

func newCaptchas(store captchaStore, limits *limiter, on bool) *captchas {
	return &captchas{store: store, limits: limits, on: on, driver: base64Captcha.NewDriverDigit(60, 160, 5, 0.6, 60)}
}

// issue draws a new captcha for client and keeps its answer; nil when captchas are off.
func (cs *captchas) issue(ctx context.Context, client string) (*captcha, error) {
	if !cs.on {
		return nil, nil
	}
	if err := cs.limits.allow(ctx, "captcha", client, captchaFactor); err != nil {
		return nil, err
	}
	id, question, answer := cs.driver.GenerateIdQuestionAnswer()
	item, err := cs.driver.DrawCaptcha(question)
	if err != nil {
		return nil, fmt.Errorf("draw captcha: %w", err)
	}
	if err := cs.store.PutCaptcha(ctx, id, answer); err != nil {
		return nil, err
	}
	return &captcha{ID: id, Image: item.EncodeB64string()}, nil
}

// check uses up the captcha id and fails unless answer was right.
func (cs *captchas) check(ctx context.Context, id, answer string) error {
	if !cs.on {
		return nil
	}
	ok, err := cs.store.CheckCaptcha(ctx, id, answer)
	if err != nil {
		return err
	}
	if !ok {
		return errCaptchaInvalid
	}
	return nil
}
