package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"campusguard/internal/ears"
	"campusguard/internal/earscsv"
)

// cmdAberration runs an EARS method on a count series for analysts: it
// reads date,count (NA for a missing day) and writes
// date,observed,upperbound,alarm for the evaluable days.
func cmdAberration(_ context.Context, env environment, args []string) error {
	fs := flag.NewFlagSet("campusguard aberration", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	method := fs.String("method", "C2", "C1, C2 or C3")
	alpha := fs.Float64("alpha", 0, "one-sided alpha (default 0.001 for C1 and C2, 0.025 for C3)")
	baseline := fs.Int("baseline", 7, "baseline length in days, at least 3")
	minSigma := fs.Float64("min-sigma", 0, "floor of the baseline's standard deviation (0.5 or 1 for sparse counts)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: campusguard aberration --method C1|C2|C3 [--alpha A] [--baseline B] [--min-sigma S] FILE.csv|-

Reads "date,count" (a header line, then one line per school day, NA for a
missing count) and writes "date,observed,upperbound,alarm" for every day the
method can evaluate, as R surveillance's earsC computes them.`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errReported
	}
	m := ears.Method(strings.ToUpper(*method))
	p := ears.Defaults(m)
	p.Baseline, p.MinSigma = *baseline, *minSigma
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "alpha" {
			p.Alpha = *alpha
		}
	})
	if m != ears.C1 && m != ears.C2 && m != ears.C3 {
		return fmt.Errorf("--method %q: want C1, C2 or C3", *method)
	}
	if p.Baseline < 3 {
		return fmt.Errorf("--baseline %d: must be at least 3", p.Baseline)
	}
	if err := p.Validate(m); err != nil {
		return fmt.Errorf("%w", err)
	}
	var in io.Reader = env.stdin
	name := fs.Arg(0)
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	} else {
		name = "standard input"
	}
	s, err := earscsv.Read(in)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	rs, err := ears.Detect(m, s.Counts, p)
	if err == ears.ErrShort {
		return fmt.Errorf("%s: %d days; %s with baseline %d needs at least %d", name, len(s.Counts), m, p.Baseline,
			ears.First(m, p.Baseline)+1)
	}
	if err != nil {
		return err
	}
	return earscsv.Write(env.stdout, s, rs)
}
