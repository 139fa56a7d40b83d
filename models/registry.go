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
	ID        int64
	Name      string
	RegionID  int64
	Kind      string
	CreatedAt time.Time
}

// Unit kinds.
const (
	UnitGovernmentOffice = "gov_office" // 政府办公厅（室）
	UnitDepartment       = "department" // 部门
	UnitTown             = "town"       // 镇街
)

// Website is a registered government website. Its bases are the host + path prefixes that route
// reports to its unit.
type Website struct {
	ID             int64
	Name           string
	UnitID         int64
	IdentifierCode string // 网站标识码
	Kind           string
	Status         string
	HomeURL        string
	CreatedAt      time.Time
	UpdatedAt      time.Time
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
	ID        int64
	Name      string
	Platform  string
	Account   string
	UnitID    int64
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
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
	TokenVersion int
	Disabled     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}
