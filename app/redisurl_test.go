package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
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

// With TLS, each node of a Sentinel or Cluster list is checked against its own name: here two
// nodes whose certificates name only themselves ("localhost" and 127.0.0.1), dialled the way the
// Redis client dials every node. (Pinning the first host's name failed the second.)
func TestRedisTLSChecksEachNodeByItsOwnName(t *testing.T) {
	roots := x509.NewCertPool()
	listen := func(dns string, ip net.IP) string {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "redis node"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
		if dns != "" {
			tmpl.DNSNames = []string{dns}
		} else {
			tmpl.IPAddresses = []net.IP{ip}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			t.Fatal(err)
		}
		cert, _ := x509.ParseCertificate(der)
		roots.AddCert(cert)
		ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				c.(*tls.Conn).Handshake()
				c.Close()
			}
		}()
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		if dns != "" {
			return net.JoinHostPort(dns, port)
		}
		return net.JoinHostPort(ip.String(), port)
	}
	nodes := []string{listen("localhost", nil), listen("", net.IPv4(127, 0, 0, 1))}
	list := strings.Join(nodes, ",")
	for _, raw := range []string{"rediss-cluster://" + list, "rediss-sentinel://" + list + "/mymaster", "rediss://" + nodes[1]} {
		opt, err := ParseRedisURL(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		var cfg *tls.Config
		switch o := opt.(type) {
		case asynq.RedisClientOpt:
			cfg = o.TLSConfig
		case asynq.RedisFailoverClientOpt:
			cfg = o.TLSConfig
		case asynq.RedisClusterClientOpt:
			cfg = o.TLSConfig
		}
		if cfg == nil || cfg.MinVersion < tls.VersionTLS12 {
			t.Fatalf("%s: TLS config %+v", raw, cfg)
		}
		cfg = cfg.Clone()
		cfg.RootCAs = roots // trust the test's own certificates, as a deployment trusts its CA
		dial := redis.NewDialer(&redis.Options{TLSConfig: cfg, DialTimeout: 5 * time.Second})
		for _, addr := range nodes {
			if raw == "rediss://"+nodes[1] && addr != nodes[1] {
				continue
			}
			conn, err := dial(context.Background(), "tcp", addr)
			if err != nil {
				t.Errorf("%s: node %s: %v", raw, addr, err)
				continue
			}
			conn.Close()
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
