//go:build tools

// Package tools records the Argo Rollouts controller as a dependency of this module, so
// `go mod tidy` keeps everything its `go build` needs in go.mod/go.sum.
package tools

import (
	_ "github.com/argoproj/argo-rollouts/cmd/rollouts-controller"
)
