package export

import (
	"strconv"

	"campusguard"
)

// environmentSheet writes a briefing's ventilation and disinfection
// compliance (issue 14): the week's logs done against due, the rate, and
// the schools below campusguard.LowEnvRate, lowest first. A briefing
// generated before it was kept has none.
func environmentSheet(sheet func(string, []string, [][]any) error, e *campusguard.BriefingEnv, tr Translator) error {
	if e == nil {
		return nil
	}
	rate := "—"
	if r, ok := e.Total.Rate(); ok {
		rate = strconv.Itoa(r) + "%"
	}
	rows := [][]any{
		{tr("briefing.xlsx.period"), tr("briefing.xlsx.period_span", e.From.String(), e.To.String())},
		{tr("briefing.xlsx.env_due"), e.Total.Due}, {tr("briefing.xlsx.env_done"), e.Total.Done}, {tr("env.rate"), rate},
		{tr("briefing.xlsx.env_rated"), e.Rated}, {tr("briefing.xlsx.env_low", campusguard.LowEnvRate), e.Low},
	}
	for _, name := range e.Behind {
		rows = append(rows, []any{tr("briefing.xlsx.env_behind"), name})
	}
	return sheet(tr("briefing.xlsx.environment"), []string{tr("briefing.environment"), ""}, rows)
}
