package models

import (
	"errors"
	"fmt"
	"strconv"
)

// Settings are the rules an administrator may change without a release. The defaults are
// RULES.md's; a row in the settings table overrides one.
type Settings struct {
	RoutingEnabled       bool   // route reports by the website registry; off: everything to triage
	ForwardDays          int    // 分办: working days the supervisor has to forward a triaged report
	ReplyDays            int    // working days a unit has to reply after assignment
	ExtensionMaxDays     int    // working days one extension request may ask for
	ExtensionMaxRequests int    // extension requests per ticket
	UrgesBeforeSupervise int    // 催办 sent before 督办 goes to the supervisor one level up
	ReminderHour         int    // hour (Asia/Shanghai) of the due-soon reminder and the daily 催办
	TriageRegion         string // code of the region whose supervisors triage; "" = the root region
	RankingMinDue        int    // due tickets a unit needs to be ranked by 按期办结率
}

// DefaultSettings returns RULES.md's defaults.
func DefaultSettings() Settings {
	return Settings{
		RoutingEnabled:       true,
		ForwardDays:          1,
		ReplyDays:            3,
		ExtensionMaxDays:     5,
		ExtensionMaxRequests: 2,
		UrgesBeforeSupervise: 2,
		ReminderHour:         9,
		RankingMinDue:        5,
	}
}

// settingFields names every setting as stored, with where its value goes.
func (s *Settings) fields() map[string]any {
	return map[string]any{
		"routing_enabled":        &s.RoutingEnabled,
		"forward_days":           &s.ForwardDays,
		"reply_days":             &s.ReplyDays,
		"extension_max_days":     &s.ExtensionMaxDays,
		"extension_max_requests": &s.ExtensionMaxRequests,
		"urges_before_supervise": &s.UrgesBeforeSupervise,
		"reminder_hour":          &s.ReminderHour,
		"triage_region":          &s.TriageRegion,
		"ranking_min_due":        &s.RankingMinDue,
	}
}

// ApplySettings overlays stored values on the defaults. An unknown name or a bad value is an error
// naming it.
func ApplySettings(base Settings, stored map[string]string) (Settings, error) {
	s := base
	fields := s.fields()
	for name, value := range stored {
		dst, ok := fields[name]
		if !ok {
			return base, Invalid(name, "未知的设置项 "+name)
		}
		switch p := dst.(type) {
		case *bool:
			b, err := strconv.ParseBool(value)
			if err != nil {
				return base, Invalid(name, fmt.Sprintf("设置项 %s 应为 true 或 false", name))
			}
			*p = b
		case *int:
			n, err := strconv.Atoi(value)
			if err != nil {
				return base, Invalid(name, fmt.Sprintf("设置项 %s 应为整数", name))
			}
			*p = n
		case *string:
			*p = value
		}
	}
	return s, s.Validate()
}

// Validate checks that the settings make sense together, and names every problem: one error,
// or several joined (errors.Join) in the form's order.
func (s Settings) Validate() error {
	var problems []error
	check := func(ok bool, field, message string) {
		if !ok {
			problems = append(problems, Invalid(field, message))
		}
	}
	check(s.ForwardDays >= 1 && s.ForwardDays <= 30, "forward_days", "分办时限应为 1–30 个工作日")
	check(s.ReplyDays >= 1 && s.ReplyDays <= 60, "reply_days", "答复时限应为 1–60 个工作日")
	check(s.ExtensionMaxDays >= 1 && s.ExtensionMaxDays <= 30, "extension_max_days", "单次延期应为 1–30 个工作日")
	check(s.ExtensionMaxRequests >= 0 && s.ExtensionMaxRequests <= 10, "extension_max_requests", "延期次数应为 0–10 次")
	check(s.UrgesBeforeSupervise >= 1 && s.UrgesBeforeSupervise <= 30, "urges_before_supervise", "督办前的催办次数应为 1–30 次")
	check(s.ReminderHour >= 0 && s.ReminderHour <= 23, "reminder_hour", "提醒时刻应为 0–23 点")
	check(s.RankingMinDue >= 1 && s.RankingMinDue <= 1000, "ranking_min_due", "参与排名的最少到期件数应为 1–1000")
	return errors.Join(problems...)
}
