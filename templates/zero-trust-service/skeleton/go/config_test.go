package main

import (
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(key string) string { return vars[key] }
	}

	cfg, err := configFromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != ${{ values.port }} || cfg.ShutdownTimeout != 10*time.Second {
		t.Errorf("defaults = %+v, want port ${{ values.port }} and a 10s shutdown timeout", cfg)
	}

	cfg, err = configFromEnv(env(map[string]string{"PORT": "9000", "SHUTDOWN_TIMEOUT": "3s"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 9000 || cfg.ShutdownTimeout != 3*time.Second {
		t.Errorf("configFromEnv = %+v, want port 9000 and a 3s shutdown timeout", cfg)
	}

	for _, bad := range []map[string]string{
		{"PORT": "http"},
		{"PORT": "0"},
		{"PORT": "70000"},
		{"SHUTDOWN_TIMEOUT": "10"},
		{"SHUTDOWN_TIMEOUT": "-1s"},
	} {
		if _, err := configFromEnv(env(bad)); err == nil {
			t.Errorf("configFromEnv(%v) succeeded, want an error", bad)
		}
	}
}
