package jobs_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"
	"github.com/hibiken/asynq"

	"zhaocuo/jobs"
	"zhaocuo/models"
	"zhaocuo/models/storetest"
)

// mailbox is an SMTP server that keeps what it receives.
type mailbox struct {
	mu    sync.Mutex
	mails []receivedMail
}

type receivedMail struct {
	From, To, Subject, Body string
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m}, nil }

type mailSession struct {
	box      *mailbox
	from, to string
}

func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = to
	return nil
}
func (s *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	raw, _ := io.ReadAll(msg.Body)
	body, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
	if err != nil {
		return err
	}
	s.box.mu.Lock()
	s.box.mails = append(s.box.mails, receivedMail{From: s.from, To: s.to, Subject: subject, Body: string(body)})
	s.box.mu.Unlock()
	return nil
}

func startMailbox(t *testing.T) (*mailbox, string) {
	t.Helper()
	box := &mailbox{}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return box, ln.Addr().String()
}

// Reminders reach the staff's e-mail, the citizen gets their number and code, and the reply.
func TestEmailOverSMTP(t *testing.T) {
	box, addr := startMailbox(t)
	w := newWorld(t, "2025-03-25 10:00:00", withEmail)
	cfg, err := jobs.ParseSMTPURL("smtp://" + addr + "?from=noreply@zc.example.cn")
	if err != nil {
		t.Fatal(err)
	}
	w.deps.Sender.SMTP, w.deps.Sender.PublicURL = cfg, "https://zc.example.cn"
	if err := w.store.SetEmail(context.Background(), w.users["gzw-staff"].ID, "staff@gzw.example.cn"); err != nil {
		t.Fatal(err)
	}
	sub, err := w.store.SubmitReport(context.Background(), models.Report{PageURL: "https://gzw.sc.gov.cn/a.html",
		Category: "链接不可用", Description: "页面上的链接打不开了，请核实处理。", ContactEmail: "citizen@example.cn"})
	if err != nil {
		t.Fatal(err)
	}
	w.events.Wait(t, storetest.Created(sub.Ticket.ID)) // its reminders and confirmation, queued with its group
	w.at("2025-03-25 10:00")
	w.at("2025-03-28 09:00")
	w.act("gzw-staff", sub.Ticket.TicketNo, models.Action{Kind: models.ActReply, Text: "已修复该链接，感谢反馈。"})
	w.act("gzw-reviewer", sub.Ticket.TicketNo, models.Action{Kind: models.ActApprove})
	w.at("2025-03-28 10:00")
	// Sent, the confirmation keeps no query code: the database holds codes only as hashes.
	if n := w.count("SELECT COUNT(*) FROM deliveries WHERE body LIKE ?", "%"+sub.QueryCode+"%"); n != 0 || len(sub.Deliveries) != 1 {
		t.Fatalf("%d deliveries still hold the query code; %d written with the report", n, len(sub.Deliveries))
	}

	box.mu.Lock()
	defer box.mu.Unlock()
	byTo := map[string][]receivedMail{}
	for _, m := range box.mails {
		byTo[m.To] = append(byTo[m.To], m)
	}
	citizen, staff := byTo["citizen@example.cn"], byTo["staff@gzw.example.cn"]
	if len(citizen) != 2 || len(staff) != 1 {
		t.Fatalf("mails: %+v", box.mails)
	}
	if !strings.Contains(citizen[0].Body, sub.QueryCode) || !strings.Contains(citizen[0].Body, "https://zc.example.cn/query?ticket_no="+sub.Ticket.TicketNo) {
		t.Fatalf("confirmation: %q", citizen[0].Body)
	}
	if !strings.HasPrefix(citizen[1].Subject, "您的留言已答复") || !strings.Contains(citizen[1].Body, "已修复该链接") {
		t.Fatalf("reply mail: %+v", citizen[1])
	}
	if !strings.HasPrefix(staff[0].Subject, "留言今日到期") || staff[0].From != "noreply@zc.example.cn" {
		t.Fatalf("reminder mail: %+v", staff[0])
	}
}

// refusingMailbox is a mail server that refuses every recipient, quoting the address back.
type refusingMailbox struct{}

func (refusingMailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return refusingSession{}, nil }

type refusingSession struct{}

func (refusingSession) Reset()                               {}
func (refusingSession) Logout() error                        { return nil }
func (refusingSession) Mail(string, *smtp.MailOptions) error { return nil }
func (refusingSession) Data(io.Reader) error                 { return nil }
func (refusingSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<" + to + "> no such mailbox"}
}

// A failed delivery's error, kept on the delivery, in asynq's record of the task (which the
// queue's pages show) and in the log, names neither the citizen's address nor a robot's key.
func TestDeliveryErrorsKeepNoAddressOrKey(t *testing.T) {
	srv := smtp.NewServer(refusingMailbox{})
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	w := newWorld(t, "2025-03-25 10:00:00", withEmail)
	w.deps.Sender.SMTP = &jobs.SMTPConfig{Addr: ln.Addr().String(), From: "noreply@zc.example.cn"}
	ctx := context.Background()
	sub, err := w.store.SubmitReport(ctx, models.Report{PageURL: "https://gzw.sc.gov.cn/a.html", Category: "链接不可用",
		Description: "页面上的链接打不开了，请核实处理。", ContactEmail: "citizen.person@example.cn"})
	if err != nil || len(sub.Deliveries) != 1 {
		t.Fatalf("submit: %v, deliveries %v", err, sub.Deliveries)
	}
	const key = "0f1e2d3c-robot-secret-key"
	res, err := w.store.SQLDB().Exec(`INSERT INTO deliveries (channel, target, subject, body, status, attempts, created_at, updated_at)
		VALUES ('webhook', ?, '提醒', '正文', 'pending', 0, ?, ?)`, "http://127.0.0.1:1/cgi-bin/webhook/send?key="+key,
		w.clock.Now().UTC(), w.clock.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	hook, _ := res.LastInsertId()
	for id, secret := range map[int64]string{sub.Deliveries[0]: "citizen.person@example.cn", hook: key} {
		// (Outside a worker the task has no retries left: its error is recorded as final.)
		task, _ := jobs.NewDeliveryTask(id)
		err := w.mux.ProcessTask(ctx, task)
		var kept string
		w.store.SQLDB().QueryRow("SELECT COALESCE(last_error, '') FROM deliveries WHERE id = ?", id).Scan(&kept)
		if kept == "" {
			t.Fatalf("delivery %d: no error recorded (%v)", id, err)
		}
		if strings.Contains(fmt.Sprint(err), secret) || strings.Contains(kept, secret) {
			t.Errorf("delivery %d: the error names %q: %v; kept %q", id, secret, err, kept)
		}
	}
}

// A confirmation task an earlier version queued (number, code and address in its payload) is still
// sent, and dropped rather than retried or archived when it cannot be: either way it leaves the
// queue, where its payload is in view.
func TestAConfirmationQueuedByAnEarlierVersionLeavesTheQueue(t *testing.T) {
	box, addr := startMailbox(t)
	w := newWorld(t, "2025-03-25 10:00:00")
	legacy := asynq.NewTask(jobs.TypeConfirmation, []byte(`{"ticket_no":"ZC20250325000001","code":"8NEFB5TD","email":"old@example.cn","unit":"国资委"}`))
	if err := w.mux.ProcessTask(context.Background(), legacy); err != nil { // no mail server: dropped
		t.Fatalf("unsent: %v", err)
	}
	w.deps.Sender.SMTP = &jobs.SMTPConfig{Addr: addr, From: "noreply@zc.example.cn"}
	if err := w.mux.ProcessTask(context.Background(), legacy); err != nil {
		t.Fatal(err)
	}
	box.mu.Lock()
	defer box.mu.Unlock()
	if len(box.mails) != 1 || box.mails[0].To != "old@example.cn" || !strings.Contains(box.mails[0].Body, "8NEFB5TD") {
		t.Fatalf("mails: %+v", box.mails)
	}
}
