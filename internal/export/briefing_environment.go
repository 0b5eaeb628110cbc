package export

import (
	"strconv"

	"campusguard"
)

// environmentSheet writes a briefing's ventilation and disinfection
// compliance (issue 14): the week's logs done against due, the rate, and
// the schools below campusguard.LowEnvRate, lowest first. A briefing
// generated before it was kept has none.
func environmentSheet(sheet func(string, []string, [][]any) error, e *campusguard.BriefingEnv) error {
	if e == nil {
		return nil
	}
	rate := "—"
	if r, ok := e.Total.Rate(); ok {
		rate = strconv.Itoa(r) + "%"
	}
	rows := [][]any{
		{"期间", e.From.String() + " 至 " + e.To.String()},
		{"应做（次）", e.Total.Due}, {"已做（次）", e.Total.Done}, {"落实率", rate},
		{"有应做项目的学校", e.Rated}, {"落实率低于 " + strconv.Itoa(campusguard.LowEnvRate) + "% 的学校", e.Low},
	}
	for _, name := range e.Behind {
		rows = append(rows, []any{"落实率偏低", name})
	}
	return sheet("通风消毒", []string{"通风消毒落实", ""}, rows)
}
