package models

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"zhaocuo/models/indicator"
)

// findingCategories is the citizens' category a finding's ticket goes under, by finding type;
// the rest go under 其他.
var findingCategories = map[string]string{
	indicator.TypeDeadLink: "链接不可用", indicator.TypeDeadMenuLink: "链接不可用", indicator.TypeUnreachable: "内容无法访问",
	indicator.TypeHomepageStale: "信息不更新", indicator.TypeStaleColumn: "信息不更新", indicator.TypeBlankColumn: "信息不更新",
	indicator.TypeAccountStale: "信息不更新", indicator.TypeTypo: "错别字", indicator.TypeDuplicatePost: "内容不准确",
	indicator.TypeWording: "内容不准确",
}

// SendFindingToUnit turns a confirmed finding of a website into a ticket of the site's unit
// (source = inspection): assigned at once, with the same deadline, reminders and rates as a
// citizen's ticket. The ticket, its first event and the finding's link to it are written in one
// transaction; a finding is sent once. It returns the ticket's TicketCreated for the caller to
// dispatch.
func (s *Store) SendFindingToUnit(ctx context.Context, actor *User, sc Scope, id int64) (*Ticket, []Event, error) {
	if actor.Role != RoleSupervisor && actor.Role != RoleAdmin {
		return nil, nil, Forbidden("只有主管单位和管理员可以转交问题")
	}
	f, err := s.Finding(ctx, sc, id)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case f.TicketID != nil:
		return nil, nil, Conflict("该问题已转为工单")
	case f.Status != FindingConfirmed:
		return nil, nil, Conflict("请先确认该问题，再转交主办单位")
	case f.WebsiteID == nil:
		return nil, nil, Conflict("新媒体账号的问题请在账号台账中处理")
	}
	var site struct {
		UnitID, RegionID int64
		UnitName         string
	}
	err = s.db.WithContext(ctx).Table("websites w").Select("w.unit_id, u.region_id, u.name AS unit_name").
		Joins("JOIN units u ON u.id = w.unit_id").Where("w.id = ?", *f.WebsiteID).Take(&site).Error
	if err != nil {
		return nil, nil, translate(err, "finding's site")
	}
	settings, cal, cats, err := s.reference(ctx)
	if err != nil {
		return nil, nil, err
	}
	catName := findingCategories[f.Type]
	if catName == "" {
		catName = "其他"
	}
	cat, ok := findCategory(cats, catName)
	if !ok {
		if cat, ok = findCategory(cats, "其他"); !ok {
			return nil, nil, Conflict("问题类型「" + catName + "」已停用，无法转为工单")
		}
	}
	pageURL := f.Page
	page, err := ParsePageURL(pageURL)
	if err != nil {
		pageURL = f.URL
		if page, err = ParsePageURL(pageURL); err != nil {
			return nil, nil, Conflict("该问题没有可用的网址，无法转为工单")
		}
	}
	now := s.now()
	deadline, estimated := cal.Deadline(now, settings.ReplyDays)
	month := OneMonthLater(now).UTC()
	websiteID, unitID := *f.WebsiteID, site.UnitID
	t := &Ticket{
		Source: SourceInspection, Status: StatusAssigned, PageURL: page.Raw, PageKey: page.Key, CategoryID: cat.ID,
		Description: findingDescription(f), WebsiteID: &websiteID, UnitID: &unitID, RegionID: site.RegionID,
		ReceivedAt: now, AssignedAt: &now, Deadline: &deadline, DeadlineEstimated: estimated, MonthDeadline: &month,
		UpdatedAt: now, Version: 1,
	}
	actorID := actor.ID
	for attempt := 0; ; attempt++ {
		if t.TicketNo, err = s.nextTicketNo(ctx, now); err != nil {
			return nil, nil, err
		}
		// Nobody queries an inspection ticket with a code: the hash of a code no one holds.
		t.QueryCodeHash = hashQueryCode(t.TicketNo, newQueryCode())
		err = s.transaction(ctx, func(tx *gorm.DB) error {
			if err := tx.Create(t).Error; err != nil {
				return err
			}
			ev := TicketEvent{TicketID: t.ID, At: now, ActorID: &actorID, ActorRole: actor.Role, Kind: EventReceived,
				ToStatus: StatusAssigned, UnitID: &unitID, RegionID: &t.RegionID, Deadline: &deadline,
				Reason: "自动检查发现的问题（" + f.Indicator + "），转" + site.UnitName + "整改"}
			if err := tx.Create(&ev).Error; err != nil {
				return err
			}
			res := tx.Model(&Finding{}).Where("id = ? AND ticket_id IS NULL", f.ID).Update("ticket_id", t.ID)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected != 1 {
				return Conflict("该问题已转为工单")
			}
			return nil
		})
		if err == nil || !isDuplicate(err) || attempt == 2 {
			break
		}
		s.forgetNumbers() // the number was taken: a fresh block starts past it
	}
	if err != nil {
		t.ID = 0
		return nil, nil, translate(err, "send finding")
	}
	return t, []Event{TicketCreated{TicketID: t.ID, Source: t.Source, UnitID: t.UnitID, RegionID: t.RegionID, ActorID: &actorID}}, nil
}

// findingDescription is the ticket's description: what the inspector found and where.
func findingDescription(f *Finding) string {
	var b strings.Builder
	b.WriteString("【网站自动检查】" + f.Indicator + "：" + f.Evidence)
	if f.Target != "" && f.Target != f.Page {
		b.WriteString("\n问题对象：" + f.Target)
	}
	if f.Page != "" {
		b.WriteString("\n所在页面：" + f.Page)
	}
	b.WriteString("\n发现时间：" + f.SeenAt.In(Shanghai).Format("2006-01-02 15:04"))
	return truncate(b.String(), MaxDescription)
}
