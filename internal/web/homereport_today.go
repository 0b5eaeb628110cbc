package web

import (
	"context"
	"strings"

	"campusguard"
)

// sentReport is today's home report as its form shows it again: what was
// sent and when, so that a guardian sees it and may correct it.
type sentReport struct {
	At          string // "06:42", in the schools' time zone
	Temperature string
	Symptoms    string // translated, joined
	Abnormal    bool
	Fever       bool
}

// todayHomeReport reads the current home report of person id for today;
// nil when none was sent.
func (s *Server) todayHomeReport(ctx context.Context, id int64) (*campusguard.Check, error) {
	day, kind := s.today(), campusguard.HomeCheck
	checks, _, err := s.Health.FindChecks(ctx, campusguard.CheckFilter{PersonID: &id, Day: &day, Kind: &kind, Limit: 1})
	if err != nil || len(checks) == 0 {
		return nil, err
	}
	return checks[0], nil
}

// showSent puts today's report c on the form, and fills the form with it
// so that sending again corrects it.
func (pg *homeReportPage) showSent(c *campusguard.Check) {
	if c == nil {
		return
	}
	pg.Sent = pg.sentView(c)
	pg.Temperature = formatTemp(c.Temperature)
	syms := make([]string, len(c.Symptoms))
	for i, sym := range c.Symptoms {
		syms[i] = string(sym)
	}
	pg.fill(syms, string(c.HealthCode), c.HouseholdUnwell, c.RiskExposure)
}

func (pg *homeReportPage) sentView(c *campusguard.Check) *sentReport {
	v := &sentReport{At: c.At.In(pg.loc).Format("15:04"), Temperature: formatTemp(c.Temperature), Abnormal: c.Abnormal, Fever: c.Fever}
	var syms []string
	for _, sym := range c.Symptoms {
		syms = append(syms, pg.T(symptomKey(sym)))
	}
	v.Symptoms = strings.Join(syms, "、")
	return v
}
