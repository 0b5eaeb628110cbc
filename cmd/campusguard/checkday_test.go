package main

import (
	"time"

	"campusguard"
)

// checkDay is the day the tests' demos end on and their checks are for:
// yesterday in China. The servers these tests start run on the real clock,
// and a check older than campusguard.MaxCheckAgeDays is refused (issue
// 18), so a fixed date would stop working a week after it was written.
var checkDay = campusguard.Today(time.Now()).AddDays(-1)
