// Package app wires the program together: the store, the API, the pages and
// the operations endpoints, behind one HTTP server. The command and the
// browser tests both start it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"campusguard/internal/api"
	"campusguard/internal/authn"
	"campusguard/internal/jobs"
	"campusguard/internal/sqlstore"
	"campusguard/internal/web"
	"campusguard/internal/webhook"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Main is the running program: the store and the HTTP server. Tests start
// it on ":0" with a temporary database.
type Main struct {
	DB     string
	Addr   string
	Logger *slog.Logger
	Open   *sqlstore.Store  // an open store to use instead of opening DB; Close closes it
	Backup BackupConfig     // scheduled backups; none without a directory
	Now    func() time.Time // the clock; nil means time.Now (tests set a fake one)

	store     *sqlstore.Store
	backups   *backupScheduler
	jobs      *jobs.Runner
	hooks     *webhook.Dispatcher
	ownerName string
	stopJobs  context.CancelFunc
	listener  net.Listener
	server    *http.Server
	done      chan error
}

// Run opens and migrates the database, then listens and serves in the
// background. It returns once the server accepts connections.
func (m *Main) Run(ctx context.Context) error {
	if m.Logger == nil {
		m.Logger = slog.Default()
	}
	m.store = m.Open
	if m.store == nil {
		store, applied, err := OpenStore(ctx, m.DB)
		if err != nil {
			return err
		}
		m.store = store
		m.Logger.Info("database ready", "db", store.Target(), "applied", applied)
	}
	if m.Now != nil {
		m.store.Now = m.Now
	}
	ln, err := net.Listen("tcp", m.Addr)
	if err != nil {
		m.store.Close()
		return fmt.Errorf("listen on %s: %w", m.Addr, err)
	}
	m.listener = ln
	m.server = &http.Server{
		Handler:           m.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // roster uploads on slow school lines
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	m.done = make(chan error, 1)
	go func() { m.done <- m.server.Serve(ln) }()
	jobsCtx, cancel := context.WithCancel(context.Background())
	m.stopJobs = cancel
	m.jobs = m.runner(append(scheduled(m.store, m.now, m.dispatcher()), m.backupJobs()...))
	m.jobs.Start(jobsCtx)
	m.Logger.Info("serving", "addr", ln.Addr().String(), "db", m.store.Target())
	return nil
}

// URL returns the server's address as an http URL.
func (m *Main) URL() string {
	addr := m.listener.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if h, _, err := net.SplitHostPort(m.Addr); err == nil && h == "localhost" || addr.IP.IsUnspecified() {
		host = "localhost" // print what the user asked for, which is what they will type
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(addr.Port))
}

// Store returns the program's store, for tests.
func (m *Main) Store() *sqlstore.Store { return m.store }

// Close stops the server, letting requests in flight finish, and closes the
// database.
func (m *Main) Close() error {
	var err error
	if m.stopJobs != nil {
		m.stopJobs()
		m.jobs.Wait()
	}
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = m.server.Shutdown(ctx)
		cancel()
		if serr := <-m.done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
	}
	if m.store != nil {
		err = errors.Join(err, m.store.Close())
	}
	return err
}

// Handler returns the whole HTTP surface: operations endpoints, the API
// and the pages, behind the metrics and logging middleware.
func (m *Main) Handler() http.Handler {
	if m.Logger == nil {
		m.Logger = slog.Default()
	}
	if m.store == nil {
		m.store = m.Open
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "campusguard_http_requests_total", Help: "HTTP requests by surface, method and status.",
	}, []string{"surface", "method", "code"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "campusguard_http_request_duration_seconds", Help: "HTTP request latency by surface.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 10),
	}, []string{"surface"})
	reg.MustRegister(requests, latency)
	reg.MustRegister(m.scheduler().collectors()...)
	reg.MustRegister(m.jobCollector())

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := m.store.Ready(ctx); err != nil {
			m.Logger.Warn("not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("/api/v1/", api.New(api.Config{Orgs: m.store, People: m.store, Access: m.store, Health: m.store,
		Cases: m.store, Inbox: m.store, Webhooks: m.store, Alerts: m.store, Calendar: m.store, Dashboards: m.store, Policy: m.store, Transport: m.store, Export: m.store, System: m.store,
		Jobs: m.store, Files: m.store, Readiness: m.store, Supplies: m.store, Logger: m.Logger, Quality: m.store, Inspections: m.store, Directives: m.store, Drills: m.store, Training: m.store, Environment: m.store}))
	mux.Handle("/", web.New(web.Config{Orgs: m.store, People: m.store, Access: m.store, Health: m.store, Inbox: m.store, Hooks: m.store, Settings: m.store, Cases: m.store, Alerts: m.store, Calendar: m.store, Dashboards: m.store, Policy: m.store, Transport: m.store, Export: m.store, Files: m.store, Readiness: m.store, Supplies: m.store, Inspections: m.store, Directives: m.store, Drills: m.store, Training: m.store, Environment: m.store, Now: m.Now,
		System: web.SystemInfo{Service: m.store, BackupDir: m.Backup.Dir, BackupEvery: m.Backup.Every, BackupKeep: m.Backup.Keep},
		Jobs:   m.store,
		Logger: m.Logger, Quality: m.store}))
	signedIn := (&authn.Middleware{Store: m.store, Logger: m.Logger}).Wrap(mux)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		securityHeaders(rec.Header())
		signedIn.ServeHTTP(rec, r)
		surface := "web"
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/"):
			surface = "api"
		case r.URL.Path == "/healthz" || r.URL.Path == "/readyz" || r.URL.Path == "/metrics":
			surface = "ops"
		case strings.HasPrefix(r.URL.Path, "/static/"):
			surface = "static"
		}
		d := time.Since(start)
		requests.WithLabelValues(surface, r.Method, strconv.Itoa(rec.status)).Inc()
		latency.WithLabelValues(surface).Observe(d.Seconds())
		if surface != "static" && surface != "ops" {
			m.Logger.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"ms", float64(d.Microseconds())/1000, "remote", r.RemoteAddr)
		}
	})
}

// securityHeaders sets the headers every response carries. The pages use
// no inline script, so the policy allows scripts from this origin only.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// OpenStore opens and migrates the database.
func OpenStore(ctx context.Context, dsn string) (*sqlstore.Store, []string, error) {
	store, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	applied, err := store.Migrate(ctx)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return store, applied, nil
}
