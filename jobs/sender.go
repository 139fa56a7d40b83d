package jobs

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Sender sends e-mail over SMTP and posts to group robots' webhooks.
type Sender struct {
	SMTP      *SMTPConfig // nil: e-mail is not configured
	HTTP      *http.Client
	PublicURL string // turns the relative links in bodies into addresses people can open
}

// SMTPConfig is read from SMTP_URL: smtp://user:pass@host:587?from=addr (STARTTLS when the
// server offers it) or smtps://user:pass@host:465?from=addr (TLS from the start).
type SMTPConfig struct {
	Addr     string
	Implicit bool
	User     string
	Password string
	From     string
}

// ParseSMTPURL reads SMTP_URL.
func ParseSMTPURL(raw string) (*SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	c := &SMTPConfig{From: u.Query().Get("from"), User: u.User.Username()}
	c.Password, _ = u.User.Password()
	switch u.Scheme {
	case "smtp":
	case "smtps":
		c.Implicit = true
	default:
		return nil, fmt.Errorf("unsupported scheme %q (smtp:// or smtps://)", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("no host")
	}
	port := u.Port()
	if port == "" {
		port = map[bool]string{true: "465", false: "587"}[c.Implicit]
	}
	c.Addr = net.JoinHostPort(u.Hostname(), port)
	if !strings.Contains(c.From, "@") {
		return nil, errors.New("needs ?from=address")
	}
	return c, nil
}

// Send delivers a message by channel.
func (s *Sender) Send(ctx context.Context, channel, target, subject, body string) error {
	body = s.absoluteLinks(body)
	switch channel {
	case "email":
		if s.SMTP == nil {
			return errors.New("e-mail is not configured (SMTP_URL)")
		}
		return s.email(ctx, target, subject, body)
	case "webhook":
		return s.webhook(ctx, target, "【找错】"+subject+"\n"+body)
	}
	return fmt.Errorf("unknown channel %q", channel)
}

func (s *Sender) absoluteLinks(body string) string {
	if s.PublicURL == "" {
		return body
	}
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "/") {
			lines[i] = strings.TrimSuffix(s.PublicURL, "/") + l
		}
	}
	return strings.Join(lines, "\n")
}

// webhook posts the text message both 企业微信 and 钉钉 group robots accept, and checks the
// errcode they answer with.
func (s *Sender) webhook(ctx context.Context, target, text string) error {
	payload, _ := json.Marshal(map[string]any{"msgtype": "text", "text": map[string]string{"content": text}})
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	client := s.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // its text holds the robot's URL, key and all
			return fmt.Errorf("webhook %s: %w", ue.Op, ue.Err)
		}
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	var ack struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
	}
	if json.Unmarshal(answer, &ack) == nil && ack.ErrCode != nil && *ack.ErrCode != 0 {
		return fmt.Errorf("webhook refused: %d %s", *ack.ErrCode, ack.ErrMsg)
	}
	return nil
}

// email sends a plain-text UTF-8 message.
func (s *Sender) email(ctx context.Context, to, subject, body string) error {
	c := s.SMTP
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	host, _, _ := net.SplitHostPort(c.Addr)
	var conn net.Conn
	var err error
	if c.Implicit {
		conn, err = tls.DialWithDialer(dialer, "tcp", c.Addr, &tls.Config{ServerName: host})
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", c.Addr)
	}
	if err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	conn.SetDeadline(deadline)
	client, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer client.Close()
	if ok, _ := client.Extension("STARTTLS"); ok && !c.Implicit {
		if err := client.StartTLS(&tls.Config{ServerName: host}); err != nil {
			return err
		}
	}
	if c.User != "" {
		if err := client.Auth(smtp.PlainAuth("", c.User, c.Password, host)); err != nil {
			return err
		}
	}
	if err := client.Mail(c.From); err != nil {
		return err
	}
	if err := client.Rcpt(to); err != nil {
		return err
	}
	w, err := client.Data()
	if err != nil {
		return err
	}
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\n", c.From, to,
		mime.BEncoding.Encode("UTF-8", subject), time.Now().Format(time.RFC1123Z))
	msg.WriteString("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		msg.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	msg.WriteString(enc + "\r\n")
	if _, err := w.Write(msg.Bytes()); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return client.Quit()
}
