// Command ${{ values.name }}: ${{ values.description }}
//
// Created from the Zero Trust service template. It serves {% if values.protocol == 'grpc' %}the standard gRPC health service
// (grpc.health.v1.Health){% else %}a health endpoint (GET /healthz){% endif %} on port ${{ values.port }}; add your own handlers in
// server.go. Transport security comes from the mesh (Istio mTLS STRICT), so the server itself
// listens in plaintext inside the pod.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	if err := run(logger); err != nil {
		logger.Error("exiting", "error", err.Error())
		os.Exit(1)
	}
}

func run(logger *slog.Logger) error {
	// The image runs as UID 65532 and the cluster enforces runAsNonRoot; refusing root here
	// also catches a missing securityContext when the binary runs somewhere else.
	if os.Geteuid() == 0 {
		return errors.New("refusing to run as root: run as a non-root user (the image uses UID 65532)")
	}
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	// Kubernetes sends SIGTERM before it kills the pod; Ctrl-C sends SIGINT locally.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()

	lis, err := net.Listen("tcp", fmt.Sprintf(":%d", cfg.Port))
	if err != nil {
		return err
	}
	logger.Info("listening", "address", lis.Addr().String())
	return serve(ctx, lis, cfg.ShutdownTimeout, logger)
}
