// Package loadtest is `app loadtest`: the load generators and benchmarks the scripts in
// docs/bench run (docs/benchmarks.md, docs/benchmarks-replicas.md). They drive a running server
// over HTTP as its users would, and reach the database only through the store (a history written
// in bulk, counts, the plans of the rates' statements); the one statement of their own is the raw
// INSERT rate of a scratch table, the yardstick of the submissions benchmark.
package loadtest

import (
	"context"
	"io"
	"log/slog"

	"zhaocuo/models"
)

// Usage is the load commands' part of the program's usage.
const Usage = `  loadtest reports [--url U --clients N --duration D]
                            drive POST /api/v1/reports against a running server and compare
                            with the raw INSERT rate of DATABASE_URL (docs/benchmarks.md)
  loadtest mixed [--url U --rate 2000 --duration 60s]
                            a province's mix of requests at a fixed rate (docs/bench/replicas.sh)
  loadtest proxy --listen A --backends A,B
                            a round-robin reverse proxy for the replicas script
  loadtest bare [--listen A]
                            a bare gin + gorm handler (one read, one write): the mix's yardstick
  loadtest generate [--tickets 1000000 --units 1000 --years 2]
                            write a province's history for the rates benchmark
  loadtest stats            time the rates on it next to COUNT(*) (docs/benchmarks.md)
  loadtest farm [--sites 20 --pages 200 --latency 100ms --page-kb 60 --workers 1 --worker BIN]
                            serve a farm of sites on loopback and time a round of worker
                            processes through it (docs/bench/inspector-round.sh)
`

// Env is what the load commands take from the program that runs them, its settings read.
type Env struct {
	Dialect      string                                       // DATABASE_URL's: models.DialectMySQL or models.DialectSQLite
	OpenStore    func(context.Context) (*models.Store, error) // DATABASE_URL's store, migrated
	DemoPassword string                                       // DEMO_PASSWORD: the demo logins' (mixed signs in with them)
	Log          *slog.Logger                                 // the proxy's warnings
}

// UsageError is a command line the load commands cannot run: the program shows its usage.
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

// Run runs `app loadtest TARGET [flags]`, args beginning with the target.
func Run(ctx context.Context, env Env, args []string, out io.Writer) error {
	target := ""
	if len(args) > 0 {
		target, args = args[0], args[1:]
	}
	switch target {
	case "reports":
		return reports(ctx, env, args, out)
	case "generate":
		return generate(ctx, env, args, out)
	case "stats":
		return stats(ctx, env, args, out)
	case "mixed":
		return mixed(ctx, env, args, out)
	case "proxy":
		return proxy(ctx, env, args, out)
	case "bare":
		return bare(ctx, env, args, out)
	case "farm":
		return farm(ctx, env, args, out)
	}
	return UsageError{"loadtest needs a target: reports, generate, stats, mixed, proxy, bare or farm"}
}
