package models

import (
	"fmt"
	"strconv"

	"gorm.io/gorm"
)

// The workflow notices of appeals (核减): read past their cursor in appeal_events by the notices'
// pass (store_notices.go), as rectification events are.

const sourceAppeals = "appeal_events"

type noticeAppealEvent struct {
	ID, AppealID     int64
	ActorID          *int64
	Status, Note     string
	UnitID, RegionID int64
	UnitName         string
	WebsiteName      string
	Indicator        string
}

func readAppealNotices(tx *gorm.DB, r *sourceRead, out *noticeReading) error {
	where, args := noticeWhere("ae.id", r.cursor.LastID, r.gaps)
	var rows []noticeAppealEvent
	err := tx.Table("appeal_events ae").
		Select("ae.id, ae.appeal_id, ae.actor_id, ae.status, ae.note, a.unit_id, a.region_id, u.name AS unit_name, "+
			"w.name AS website_name, f.indicator").
		Joins("JOIN finding_appeals a ON a.id = ae.appeal_id").Joins("JOIN units u ON u.id = a.unit_id").
		Joins("JOIN websites w ON w.id = a.website_id").Joins("JOIN inspection_findings f ON f.id = a.finding_id").
		Where(where, args...).Order("ae.id").Limit(noticeBatch).Scan(&rows).Error
	if err != nil {
		return err
	}
	r.full = len(rows) == noticeBatch
	for i := range rows {
		r.ids = append(r.ids, rows[i].ID)
		if t := appealEventNotice(&rows[i]); t != nil {
			out.things = append(out.things, t)
		}
	}
	return nil
}

// appealEventNotice is what a step of an appeal tells, and to whom: one filed to the supervisors
// nearest above the unit's region, a decision to the unit.
func appealEventNotice(e *noticeAppealEvent) *noticeAbout {
	t := &noticeAbout{link: "/staff/inspection/appeals/" + strconv.FormatInt(e.AppealID, 10), actorID: e.ActorID}
	unit := noticeAudience{unitID: e.UnitID, roles: wholeUnit}
	switch e.Status {
	case AppealFiled:
		t.kind, t.to, t.title = NoticeAppealFiled, noticeAudience{nearRegion: e.RegionID}, "核减申请待审核："+e.WebsiteName
		t.line = fmt.Sprintf("%s对%s的检查问题（%s）申请核减，理由：%s", e.UnitName, e.WebsiteName, e.Indicator, e.Note)
	case AppealAccepted:
		t.kind, t.to, t.title = NoticeAppealDecided, unit, "同意核减："+e.WebsiteName
		t.line = fmt.Sprintf("主管单位同意核减%s的检查问题（%s），该问题不再计入结论和得分。", e.WebsiteName, e.Indicator)
		if e.Note != "" {
			t.line += "意见：" + e.Note
		}
	case AppealRefused:
		t.kind, t.to, t.title = NoticeAppealDecided, unit, "不予核减："+e.WebsiteName
		t.line = fmt.Sprintf("主管单位不同意核减%s的检查问题（%s），理由：%s", e.WebsiteName, e.Indicator, e.Note)
	default:
		return nil
	}
	return t
}
