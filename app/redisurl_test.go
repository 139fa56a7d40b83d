package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hibiken/asynq"
)

func TestParseRedisURLForms(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want asynq.RedisConnOpt
	}{
		{"one server", "redis://127.0.0.1:6379", asynq.RedisClientOpt{Addr: "127.0.0.1:6379"}},
		{"one server, db and password", "redis://:s%40cret@redis.internal:6380/5",
			asynq.RedisClientOpt{Addr: "redis.internal:6380", Password: "s@cret", DB: 5}},
		{"ACL user", "redis://app:pw@10.0.0.1:6379/0", asynq.RedisClientOpt{Addr: "10.0.0.1:6379", Username: "app", Password: "pw"}},
		{"IPv6 server", "redis://[::1]:6379/2", asynq.RedisClientOpt{Addr: "[::1]:6379", DB: 2}},
		{"socket", "redis-socket:///run/redis/redis.sock?db=3",
			asynq.RedisClientOpt{Network: "unix", Addr: "/run/redis/redis.sock", DB: 3}},
		{"sentinels", "redis-sentinel://:pw@s1:26379,s2:26379,[::1]:26379/mymaster/4",
			asynq.RedisFailoverClientOpt{MasterName: "mymaster", SentinelAddrs: []string{"s1:26379", "s2:26379", "[::1]:26379"}, Password: "pw", DB: 4}},
		{"sentinels with their own password", "redis-sentinel://s1:26379/zc?sentinel_password=sp",
			asynq.RedisFailoverClientOpt{MasterName: "zc", SentinelAddrs: []string{"s1:26379"}, SentinelPassword: "sp"}},
		{"cluster", "redis-cluster://:pw@n1:6379,n2:6379,n3:6379",
			asynq.RedisClusterClientOpt{Addrs: []string{"n1:6379", "n2:6379", "n3:6379"}, Password: "pw"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRedisURL(tt.raw)
			if err != nil {
				t.Fatalf("ParseRedisURL(%q): %v", tt.raw, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseRedisURL(%q)\n got %#v\nwant %#v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestParseRedisURLTLS(t *testing.T) {
	for _, raw := range []string{"rediss://r.example:6380/1", "rediss-sentinel://s.example:26379/m", "rediss-cluster://n.example:6379,n2.example:6379"} {
		opt, err := ParseRedisURL(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		var server string
		switch o := opt.(type) {
		case asynq.RedisClientOpt:
			server = o.TLSConfig.ServerName
		case asynq.RedisFailoverClientOpt:
			server = o.TLSConfig.ServerName
		case asynq.RedisClusterClientOpt:
			server = o.TLSConfig.ServerName
		}
		if !strings.HasSuffix(server, "example") {
			t.Errorf("%s: TLS server name %q", raw, server)
		}
	}
}

// A bad REDIS_URL stops start-up with an error that names the variable and says what is wrong.
func TestLoadConfigRefusesBadRedisURL(t *testing.T) {
	tests := []struct{ name, raw, says string }{
		{"no scheme", "127.0.0.1:6379", "no scheme"},
		{"http", "http://localhost:6379", `unsupported scheme "http"`},
		{"no port", "redis://localhost", "not host:port"},
		{"port out of range", "redis://localhost:70000", "port"},
		{"db not a number", "redis://localhost:6379/zero", "database"},
		{"list on one server", "redis://a:6379,b:6379", "redis-sentinel:// or redis-cluster://"},
		{"sentinel without master", "redis-sentinel://s1:26379,s2:26379", "master's name"},
		{"sentinel with bad db", "redis-sentinel://s1:26379/m/x", "database"},
		{"sentinel with empty host", "redis-sentinel://s1:26379,/m", "not host:port"},
		{"cluster with db", "redis-cluster://n1:6379,n2:6379/3", "no database numbers"},
		{"cluster with no nodes", "redis-cluster:///", "no host:port"},
		{"unknown parameter", "redis://localhost:6379/0?master=m", `parameter "master"`},
		{"socket with a host", "redis-socket://host/run/redis.sock", "three slashes"},
		{"bad escape in password", "redis://:%zz@localhost:6379", "escaped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(env(t, false, "REDIS_URL", tt.raw))
			if err == nil {
				t.Fatalf("REDIS_URL=%q accepted", tt.raw)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "REDIS_URL: ") || !strings.Contains(msg, tt.says) {
				t.Errorf("REDIS_URL=%q: error %q, want it to name REDIS_URL and say %q", tt.raw, msg, tt.says)
			}
			if strings.Contains(err.Error(), "s@cret") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

func TestRedactHidesPasswords(t *testing.T) {
	for raw, want := range map[string]string{
		"redis://:pw@h:6379/1":                                "redis://…@h:6379/1",
		"redis-sentinel://u:pw@a:1,b:2/m?sentinel_password=x": "redis-sentinel://…@a:1,b:2/m",
		"redis-cluster://a:1,b:2":                             "redis-cluster://a:1,b:2",
	} {
		if got := redact(raw); got != want {
			t.Errorf("redact(%q) = %q, want %q", raw, got, want)
		}
	}
}

func FuzzParseRedisURL(f *testing.F) {
	for _, s := range []string{"redis://:pw@h:6379/1", "redis-sentinel://a:1,b:2/m/3?sentinel_password=x",
		"redis-cluster://a:1,b:2", "redis-socket:///tmp/r.sock?db=1", "rediss://h:1", "redis://[::1]:6379"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		opt, err := ParseRedisURL(raw)
		if err == nil && opt == nil {
			t.Fatalf("%q: no options and no error", raw)
		}
		if err != nil && err.Error() == "" {
			t.Fatalf("%q: an empty error", raw)
		}
	})
}
