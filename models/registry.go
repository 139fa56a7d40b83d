package models

import "time"

// Region is a node of the administrative tree: a province, a city (市州) or a county. Path is the
// chain of codes from the root ("/510000/510100/"), so a region's subtree is one prefix query.
type Region struct {
	ID        int64
	Code      string
	Name      string
	ShortName string
	ParentID  *int64
	Level     int
	Path      string
	CreatedAt time.Time
}

// Region levels.
const (
	LevelProvince = 1
	LevelCity     = 2
	LevelCounty   = 3
)

// Unit is an organisation that runs websites or accounts (主办单位) or supervises them.
type Unit struct {
	ID       int64
	Name     string
	Code     *string // 统一社会信用代码; nil when unknown
	RegionID int64
	Kind     string
	Status   string // UnitActive or UnitClosed
	// ReviewRequired: a staff reply waits for the unit's reviewer (审核) before it is published.
	ReviewRequired bool
	CreatedAt      time.Time
	UpdatedAt      *time.Time
}

// Unit kinds.
const (
	UnitGovernmentOffice = "gov_office" // 政府办公厅（室）
	UnitDepartment       = "department" // 部门
	UnitTown             = "town"       // 镇街
)

// Unit statuses: a closed unit keeps its history but gets no new tickets, sites or users.
const (
	UnitActive = "active"
	UnitClosed = "closed"
)

// Website is a registered government website. Its bases are the host + path prefixes that route
// reports to its unit.
type Website struct {
	ID               int64
	Name             string
	UnitID           int64  // 主办单位
	SupervisorUnitID *int64 // 主管单位
	IdentifierCode   string // 网站标识码
	Kind             string
	Status           string
	HomeURL          string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Website kinds and statuses.
const (
	SitePortal     = "portal"
	SiteDepartment = "department"
	SiteRunning    = "running"
	SiteClosed     = "closed"
)

// WebsiteBase is one host + path prefix of a website, as NormalizeHost and NormalizePathPrefix
// leave them.
type WebsiteBase struct {
	ID         int64
	WebsiteID  int64
	Host       string
	PathPrefix string
}

// MediaAccount is a 政务新媒体 account.
type MediaAccount struct {
	ID       int64
	Name     string
	Platform string
	Account  string
	UnitID   int64
	Status   string
	// The lifecycle as reported (报备): 开设, 变更, 关停, 注销; nil when not reported.
	OpenedOn    *time.Time
	ChangedOn   *time.Time
	SuspendedOn *time.Time
	CancelledOn *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Account statuses.
const (
	AccountActive    = "active"
	AccountSuspended = "suspended" // 关停
	AccountCancelled = "cancelled" // 注销
)

// Category is a kind of problem a citizen can report.
type Category struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	SortOrder int    `json:"-"`
	Active    bool   `json:"-"`
}

// Roles of people who sign in.
const (
	RoleAdmin        = "admin"
	RoleSupervisor   = "supervisor"
	RoleUnitStaff    = "unit_staff"
	RoleUnitReviewer = "unit_reviewer"
)

// User is a person who signs in.
type User struct {
	ID           int64
	Username     string
	DisplayName  string
	PasswordHash string
	Role         string
	UnitID       *int64
	RegionID     *int64
	Email        string
	Phone        string // a work phone, for the office's own contact list
	TokenVersion int
	Disabled     bool
	// MustChangePassword: the password was set by someone else (an import, an admin); the next
	// sign-in leads to choosing one before anything else.
	MustChangePassword bool
	CreatedAt          time.Time
	UpdatedAt          time.Time
}
