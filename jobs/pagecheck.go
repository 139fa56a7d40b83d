package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"golang.org/x/net/html"

	"zhaocuo/jobs/egress"
	"zhaocuo/jobs/inspector"
	"zhaocuo/models"
)

// TypeCheckPage fetches the page a citizen reported: once on arrival (its evidence), and again
// when the unit replies to a ticket whose fault a fetch can see (dead link, unreachable, stale,
// typo), so the reviewer sees whether it is gone.
const TypeCheckPage = "inspect:page"

type checkPagePayload struct {
	TicketID int64  `json:"ticket_id"`
	Purpose  string `json:"purpose"`
}

// NewCheckPageTask checks a ticket's page; version tells one reply's recheck from the next.
func NewCheckPageTask(ticketID int64, purpose string, version int) (*asynq.Task, []asynq.Option) {
	b, _ := json.Marshal(checkPagePayload{TicketID: ticketID, Purpose: purpose})
	return asynq.NewTask(TypeCheckPage, b), []asynq.Option{
		asynq.TaskID("page-check:" + strconv.FormatInt(ticketID, 10) + ":" + purpose + ":" + strconv.Itoa(version)),
		asynq.Queue(QueueInspection), asynq.MaxRetry(2), asynq.Timeout(inspector.ProbeTimeout + 15*time.Second)}
}

const maxPageBytes = 4 << 20

func (h *worker) checkPage(ctx context.Context, t *asynq.Task) error {
	var p checkPagePayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil {
		return fmt.Errorf("page check payload: %v: %w", err, asynq.SkipRetry)
	}
	if !h.PageChecks {
		return nil
	}
	tk, err := h.Store.PageCheckTicket(ctx, p.TicketID)
	if models.ErrorKind(err) == models.KindNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if p.Purpose == models.PageCheckRecheck && !models.Rechecked(tk.Category) {
		return nil
	}
	pc := FetchPage(ctx, h.pages, tk.PageURL)
	pc.TicketID, pc.Purpose, pc.At = p.TicketID, p.Purpose, h.Clock.Now()
	return h.Store.SavePageCheck(ctx, pc)
}

// FetchPage opens a page as a reader would, within the indicator's 15 s, and hashes its text.
// The request and the words for a failure are the inspector's, so staff read the same reason
// for a citizen's page as for a site the inspector could not open.
func FetchPage(ctx context.Context, client *http.Client, url string) models.PageCheck {
	pc := models.PageCheck{URL: url}
	ctx, cancel := context.WithTimeout(ctx, inspector.ProbeTimeout)
	defer cancel()
	start := time.Now()
	status, body, err := inspector.Get(ctx, client, url, maxPageBytes)
	pc.Status, pc.DurationMS = status, int(time.Since(start)/time.Millisecond)
	switch {
	case errors.Is(err, inspector.ErrInvalidURL): // nothing was opened: no "无法打开" before it
		pc.Error = inspector.DescribeError(err)
		return pc
	case err != nil && status == 0:
		pc.Error = "无法打开：" + inspector.DescribeError(err)
		return pc
	case err != nil:
		pc.Error = "读取页面失败：" + inspector.DescribeError(err)
	case status >= 400:
		pc.Error = "HTTP " + strconv.Itoa(status)
	default:
		pc.OK = true
	}
	pc.TextHash = textHash(body)
	return pc
}

// textHash hashes the page's visible text, white space folded, so a re-rendered page with the
// same words has the same hash.
func textHash(page []byte) string {
	z := html.NewTokenizer(strings.NewReader(string(page)))
	h := sha256.New()
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return hex.EncodeToString(h.Sum(nil))
		case html.StartTagToken:
			if name, _ := z.TagName(); string(name) == "script" || string(name) == "style" {
				skip++
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); (string(name) == "script" || string(name) == "style") && skip > 0 {
				skip--
			}
		case html.TextToken:
			if skip == 0 {
				for _, w := range strings.Fields(string(z.Text())) {
					h.Write([]byte(w))
					h.Write([]byte{' '})
				}
			}
		}
	}
}

// NewPageClient is the client that opens one page as a reader would, within the indicator's
// 15 s: a homepage's availability probe, a citizen's page. Any address a citizen typed may be
// asked for, so it fetches only where the guard allows.
func NewPageClient(g egress.Guard) *http.Client {
	return g.Client(egress.Options{Timeout: inspector.ProbeTimeout})
}

// checkNewPages queues the arrival check of each new citizen ticket, when page checks are on.
func (h *worker) checkNewPages(ctx context.Context, tickets []models.Ticket) error {
	if !h.PageChecks {
		return nil
	}
	var tasks []queuedTask
	for _, t := range tickets {
		if t.Source == models.SourceCitizen {
			task, opts := NewCheckPageTask(t.ID, models.PageCheckArrival, 0)
			tasks = append(tasks, queuedTask{task, opts})
		}
	}
	_, err := enqueueTasks(ctx, h.Queue, tasks)
	return err
}
