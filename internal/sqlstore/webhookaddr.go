package sqlstore

import "campusguard/internal/netguard"

// webhookPolicy is the policy a webhook's address is saved under: the one
// deliveries dial under (netguard.EnvAllow), read when it is needed as the
// dispatcher reads it. An unreadable list allows no internal address (the
// dispatcher logs it).
func webhookPolicy() netguard.Policy {
	p, _ := netguard.FromEnv()
	return p
}
