package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/hibiken/asynq"
)

// redisURLForms is what REDIS_URL may be; errors end with it so the operator sees every form.
const redisURLForms = `one of redis://[user:password@]host:port[/db], ` +
	`redis-socket://[user:password@]/path/redis.sock[?db=N], ` +
	`redis-sentinel://[user:password@]host:port[,host:port…]/master[/db][?sentinel_password=…], ` +
	`redis-cluster://[user:password@]host:port[,host:port…] ` +
	`(rediss, rediss-sentinel and rediss-cluster for TLS)`

// ParseRedisURL reads REDIS_URL into the connection asynq and every other Redis use of the app
// share: one server, a Sentinel-watched master (the sentinels are listed, the master is found
// and followed through failovers), or a Cluster (a seed list of nodes; there is only db 0).
// The password in the URL is the data nodes'; sentinels that want one of their own take it as
// ?sentinel_password=. Errors do not name the variable: the caller does.
func ParseRedisURL(raw string) (asynq.RedisConnOpt, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, fmt.Errorf("no scheme; use %s", redisURLForms)
	}
	tlsOn := false
	switch scheme {
	case "rediss", "rediss-sentinel", "rediss-cluster":
		tlsOn = true
		scheme = "redis" + strings.TrimPrefix(scheme, "rediss")
	case "redis", "redis-sentinel", "redis-cluster", "redis-socket":
	default:
		return nil, fmt.Errorf("unsupported scheme %q; use %s", scheme, redisURLForms)
	}

	// Split by hand: url.Parse takes one host only, and a sentinel or cluster list has several.
	rest, rawQuery, _ := strings.Cut(rest, "?")
	authority, path, _ := strings.Cut(rest, "/")
	var user, password string
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		info := authority[:at]
		authority = authority[at+1:]
		u, p, _ := strings.Cut(info, ":")
		var err error
		if user, err = url.PathUnescape(u); err != nil {
			return nil, errors.New("the user name is not properly escaped")
		}
		if password, err = url.PathUnescape(p); err != nil {
			return nil, errors.New("the password is not properly escaped")
		}
	}
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("the query %q does not parse: %v", rawQuery, err)
	}
	for k := range query {
		if !(k == "db" && scheme == "redis-socket") && !(k == "sentinel_password" && scheme == "redis-sentinel") {
			return nil, fmt.Errorf("parameter %q does not belong in a %s:// URL; use %s", k, scheme, redisURLForms)
		}
	}
	// No ServerName: the Redis client dials every node with tls.DialWithDialer, which then checks
	// each node's certificate against the host it dialled. One name for all would fail every
	// sentinel, replica or cluster node but the one it names.
	var tlsConfig *tls.Config
	if tlsOn {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	segments := splitPath(path)

	switch scheme {
	case "redis-socket":
		if authority != "" || path == "" {
			return nil, errors.New("redis-socket:// takes a path to the socket, with three slashes: redis-socket:///run/redis/redis.sock")
		}
		db, err := parseDB(query.Get("db"))
		if err != nil {
			return nil, err
		}
		return asynq.RedisClientOpt{Network: "unix", Addr: "/" + path, Username: user, Password: password, DB: db}, nil

	case "redis":
		addrs, err := parseAddrs(authority, false)
		if err != nil {
			return nil, err
		}
		if len(segments) > 1 {
			return nil, fmt.Errorf("redis:// takes host:port and an optional db number only; use %s", redisURLForms)
		}
		db, err := parseDB(first(segments))
		if err != nil {
			return nil, err
		}
		opt := asynq.RedisClientOpt{Addr: addrs[0], Username: user, Password: password, DB: db}
		opt.TLSConfig = tlsConfig
		return opt, nil

	case "redis-sentinel":
		addrs, err := parseAddrs(authority, true)
		if err != nil {
			return nil, err
		}
		if len(segments) == 0 || len(segments) > 2 {
			return nil, errors.New("redis-sentinel:// needs the master's name as the path, then an optional db number: redis-sentinel://host1:26379,host2:26379/mymaster/0")
		}
		db, err := parseDB(first(segments[1:]))
		if err != nil {
			return nil, err
		}
		opt := asynq.RedisFailoverClientOpt{MasterName: segments[0], SentinelAddrs: addrs,
			SentinelPassword: query.Get("sentinel_password"), Username: user, Password: password, DB: db}
		opt.TLSConfig = tlsConfig
		return opt, nil

	default: // redis-cluster
		addrs, err := parseAddrs(authority, true)
		if err != nil {
			return nil, err
		}
		if len(segments) > 0 {
			return nil, errors.New("redis-cluster:// takes a list of nodes only: a cluster has no database numbers (redis-cluster://host1:6379,host2:6379)")
		}
		opt := asynq.RedisClusterClientOpt{Addrs: addrs, Username: user, Password: password}
		opt.TLSConfig = tlsConfig
		return opt, nil
	}
}

// parseAddrs reads host:port[,host:port…]; a list only where many is true.
func parseAddrs(authority string, many bool) ([]string, error) {
	if authority == "" {
		return nil, fmt.Errorf("no host:port; use %s", redisURLForms)
	}
	parts := strings.Split(authority, ",")
	if len(parts) > 1 && !many {
		return nil, errors.New("a list of hosts needs redis-sentinel:// or redis-cluster://")
	}
	for _, p := range parts {
		host, port, err := net.SplitHostPort(p)
		if err != nil || host == "" {
			return nil, fmt.Errorf("%q is not host:port", p)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%q: the port is not a number from 1 to 65535", p)
		}
	}
	return parts, nil
}

func parseDB(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1<<16 {
		return 0, fmt.Errorf("the database %q is not a number (0 to 15 on a default server)", s)
	}
	return n, nil
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// redact hides a password in a URL shown in an error or a log line.
func redact(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "(not shown)"
	}
	rest, _, _ = strings.Cut(rest, "?") // sentinel_password
	authority, tail, slash := strings.Cut(rest, "/")
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		authority = "…@" + authority[at+1:]
	}
	if slash {
		return scheme + "://" + authority + "/" + tail
	}
	return scheme + "://" + authority
}
