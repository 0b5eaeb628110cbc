package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/demo"
)

// cmdDemo builds the demo county into an empty database and serves it.
func cmdDemo(ctx context.Context, env environment, args []string) error {
	fs, c := env.flags("demo")
	addr := fs.String("addr", env.env("CAMPUSGUARD_ADDR", "localhost:8080"), "listen address HOST:PORT (env CAMPUSGUARD_ADDR)")
	seed := fs.Uint64("seed", 1, "seed of the generated county: the same seed builds the same county")
	students := fs.Int("students", 70000, "number of students (about 1 school per 700); 1000000 builds a province-sized city")
	noServe := fs.Bool("no-serve", false, "build the county and exit")
	history := fs.Int("history-days", 30, "calendar days of daily checks before today, with weekends, a day off and an outbreak in one class (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *students < 100 || *students > 5_000_000 {
		return fmt.Errorf("--students must be between 100 and 5000000, not %d", *students)
	}
	store, _, err := app.OpenStore(ctx, c.db)
	if err != nil {
		return err
	}
	empty, err := store.IsEmpty(ctx)
	if err != nil {
		store.Close()
		return err
	}
	if empty {
		fmt.Fprintf(env.stdout, "building the demo county (seed %d, %d students) into %s ...\n", *seed, *students, store.Target())
		start := time.Now()
		today := campusguard.Today(time.Now())
		about := max(1, *students/700) // about one school per 700 students
		cfg := demo.Config{Seed: *seed, Students: *students, Today: today, HistoryDays: *history}
		sum, err := app.BuildDemoWith(ctx, store, cfg, demoProgress(env.stdout, about, start))
		if err == nil {
			err = app.DemoReadiness(ctx, store, cfg) // issue 11: readiness, phases, suspensions
		}
		if err == nil {
			err = app.DemoInspections(ctx, store, cfg) // issue 12: a month of inspections and rectification
		}
		if err == nil {
			err = app.DemoDirectives(ctx, store, cfg) // issue 12: a directive most schools have answered
		}
		if err == nil {
			err = app.DemoDrills(ctx, store, cfg) // issue 14: two drills, one with an injected case, one with a problem to put right
		}
		if err == nil {
			err = app.DemoTraining(ctx, store, cfg) // issue 14: a round of staff training, attendance incomplete
		}
		if err == nil {
			err = app.DemoEnvironment(ctx, store, cfg) // issue 14: spaces and a month of ventilation and disinfection logs
		}
		if err != nil {
			store.Close()
			return fmt.Errorf("demo: %w", err)
		}
		fmt.Fprintf(env.stdout, "built in %.1fs: %d schools, %d classes, %d students, %d staff, %d guardians, %d bus routes\n",
			time.Since(start).Seconds(), sum.Schools, sum.Classes, sum.Students, sum.Staff, sum.Guardians, sum.Routes)
		if _, err := app.CreateDemoAccounts(ctx, store); err != nil {
			store.Close()
			return err
		}
	} else {
		fmt.Fprintf(env.stdout, "%s already holds data: serving it as it is\n", store.Target())
	}
	accounts, err := app.DemoAccounts(ctx, store)
	if err != nil {
		store.Close()
		return err
	}
	if len(accounts) > 0 {
		fmt.Fprintf(env.stdout, "\nDEMO CREDENTIALS (for this demo county only; never use them on real data)\npassword for every account: %s\n", app.DemoPassword)
		for _, a := range accounts {
			fmt.Fprintf(env.stdout, "  %-10s %-15s %s\n", a.Login, a.Role, a.Where)
		}
		fmt.Fprintln(env.stdout)
	}
	if *noServe {
		return store.Close()
	}
	tuneGC()
	logger, flush := newLogger(env)
	defer flush()
	m := &app.Main{DB: c.db, Addr: *addr, Logger: logger, Open: store}
	if err := m.Run(ctx); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "campusguard demo county is ready: open %s\n", m.URL())
	<-ctx.Done()
	return m.Close()
}

// demoProgress prints how the build goes: a line every tenth of the
// schools (of about as many as the size asks for), then each last step,
// with the seconds since start, so that nobody waits minutes in silence.
func demoProgress(w io.Writer, about int, start time.Time) app.DemoProgress {
	step := max(1, about/10)
	return func(what string, schools int) {
		secs := time.Since(start).Seconds()
		switch what {
		case "schools":
			if schools%step == 0 {
				fmt.Fprintf(w, "  %4.0fs  schools and their daily checks: %d of about %d\n", secs, schools, about)
			}
		case "cases":
			fmt.Fprintf(w, "  %4.0fs  %d schools loaded; opening and moving the outbreak's cases\n", secs, schools)
		case "alerts":
			fmt.Fprintf(w, "  %4.0fs  running the early warning on each school day of the history\n", secs)
		}
	}
}
