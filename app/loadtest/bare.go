package loadtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/driver/mysql"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"zhaocuo/models"
)

// bare is the yardstick of the mix's cost (docs/bench/replicas.sh): a gin + gorm server whose one
// handler, GET /bare, reads one row by its key and inserts one, on DATABASE_URL's MySQL, with
// nothing else around it (no middleware, no session, no template). What a request of the mix
// costs beyond that is what the product does.
//
//	go run ./app loadtest bare --listen 127.0.0.1:18089
func bare(ctx context.Context, env Env, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest bare", flag.ContinueOnError)
	fs.SetOutput(out)
	listen := fs.String("listen", "127.0.0.1:18089", "where the server listens")
	if err := fs.Parse(args); err != nil {
		return UsageError{err.Error()}
	}
	if env.Dialect != models.DialectMySQL {
		return UsageError{"loadtest bare needs a MySQL DATABASE_URL"}
	}
	store, err := env.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	db, err := gorm.Open(mysql.New(mysql.Config{Conn: store.SQLDB(), SkipInitializeWithVersion: true}),
		&gorm.Config{SkipDefaultTransaction: true, Logger: logger.Discard})
	if err != nil {
		return err
	}
	type bareRow struct {
		ID int64
		N  int
		At time.Time
	}
	if err := db.Exec("CREATE TABLE IF NOT EXISTS bare_rows (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, n INT NOT NULL, at DATETIME NOT NULL)").Error; err != nil {
		return err
	}
	if err := db.Table("bare_rows").Create(&bareRow{N: 0, At: time.Now().UTC()}).Error; err != nil {
		return err
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/bare", func(c *gin.Context) {
		var last bareRow
		if err := db.Table("bare_rows").Order("id DESC").Limit(1).Take(&last).Error; err != nil {
			c.JSON(http.StatusServiceUnavailable, gin.H{"error": err.Error()})
			return
		}
		row := bareRow{N: rand.N(1000), At: time.Now().UTC()}
		if err := db.Table("bare_rows").Create(&row).Error; err != nil {
			c.JSON(http.StatusServiceUnavailable, gin.H{"error": err.Error()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"read": last.ID, "wrote": row.ID})
	})
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Shutdown(context.WithoutCancel(ctx))
	}()
	fmt.Fprintf(out, "bare: gin + gorm, one read and one write per GET /bare, on %s\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
