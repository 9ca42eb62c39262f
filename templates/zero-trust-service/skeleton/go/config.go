package main

import (
	"fmt"
	"strconv"
	"time"
)

// defaultPort is the port this service was created with; its Kubernetes manifests use it too.
const defaultPort = ${{ values.port }}

// config comes from the environment only, so one image runs in every environment and nothing
// needs to be written to the (read-only) root filesystem.
type config struct {
	// Port the server listens on: PORT.
	Port int
	// ShutdownTimeout bounds the graceful shutdown after SIGTERM: SHUTDOWN_TIMEOUT, a Go
	// duration. Keep it below the pod's terminationGracePeriodSeconds (30s by default).
	ShutdownTimeout time.Duration
}

func configFromEnv(getenv func(string) string) (config, error) {
	cfg := config{Port: defaultPort, ShutdownTimeout: 10 * time.Second}
	if v := getenv("PORT"); v != "" {
		port, err := strconv.Atoi(v)
		if err != nil || port < 1 || port > 65535 {
			return config{}, fmt.Errorf("PORT %q is not a port number between 1 and 65535", v)
		}
		cfg.Port = port
	}
	if v := getenv("SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return config{}, fmt.Errorf("SHUTDOWN_TIMEOUT %q is not a positive duration such as 10s", v)
		}
		cfg.ShutdownTimeout = d
	}
	return cfg, nil
}
