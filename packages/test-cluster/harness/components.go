package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"

	"github.com/spf13/cobra"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

// Control-plane components built from the same k8s.io/kubernetes module as the API server. Each
// runs as a child process of this binary (`test-cluster kube-controller-manager ARGS…`): the
// components keep global state (flags, klog, metrics registries) that two of them in one process
// would share.
// Subcommands of this harness itself.
var plainSubcommands = map[string]func([]string) error{
	"netns-run":   runNetns,
	"client-cert": runClientCert,
	"oidc-token":  runOIDCToken,
}

var subcommands = map[string]func() *cobra.Command{
	"kube-controller-manager": func() *cobra.Command { return controllermanager.NewControllerManagerCommand() },
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
}

// runSubcommand runs a component when the first argument names one; false otherwise.
func runSubcommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	if run, ok := plainSubcommands[args[0]]; ok {
		if err := run(args[1:]); err != nil {
			fmt.Fprintf(os.Stderr, "test-cluster %s: %v\n", args[0], err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	newCommand, ok := subcommands[args[0]]
	if !ok {
		return false
	}
	cmd := newCommand()
	cmd.SetArgs(args[1:])
	if err := cmd.Execute(); err != nil {
		fmt.Fprintf(os.Stderr, "test-cluster %s: %v\n", args[0], err)
		os.Exit(1)
	}
	os.Exit(0)
	return true
}

func controllerManagerArgs(kubeconfig string, pki pkiFiles) []string {
	return []string{
		"--kubeconfig=" + kubeconfig,
		// No serving endpoint: nothing scrapes it, and a port per component would only collide.
		"--secure-port=0",
		"--leader-elect=false",
		// What turns applied workloads into running pods and cleans up after them. Left out:
		// node-lifecycle (would taint fake nodes whose heartbeats lag), nodeipam and csrsigning
		// (need a pod CIDR and signing keys), volumes and quotas (nothing here uses them).
		"--controllers=serviceaccount,serviceaccount-token,deployment,replicaset,statefulset,daemonset,job,cronjob,garbagecollector,namespace,endpointslice,disruption,ttl-after-finished,podgc",
		"--service-account-private-key-file=" + pki.ServiceAccountPrivateKey,
		"--root-ca-file=" + pki.servingCert(),
		"--v=0",
	}
}

func schedulerArgs(kubeconfig string) []string {
	return []string{
		"--kubeconfig=" + kubeconfig,
		"--secure-port=0",
		"--leader-elect=false",
		"--v=0",
	}
}

// children are the component processes started by this harness; they stop with it.
type children struct {
	mu    sync.Mutex
	procs []*os.Process
}

// start runs a subcommand of this binary (a Kubernetes component) as a child.
func (c *children) start(dataDir, name string, args []string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	return c.startExec(dataDir, name, self, append([]string{name}, args...), nil, 0)
}

// startIsolated runs a program in a network namespace of its own (see netns.go), reaching the API
// server at apiServer (host:port) through the relay socket.
func (c *children) startIsolated(dataDir, name, apiServer string, program string, args, env []string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	socket := filepath.Join(dataDir, name+".sock")
	if err := serveUnixRelay(socket, apiServer); err != nil {
		return err
	}
	wrapped := append([]string{"netns-run"}, netnsRunArgs(socket, apiServer, analysisEndpoint, program, args)...)
	return c.startExec(dataDir, name, self, wrapped, env, syscall.CLONE_NEWNET)
}

// startExec runs a program as a child whose output goes to <dataDir>/<name>.log, with extra
// environment variables. The child gets SIGTERM if the harness dies (Pdeathsig is bound to the OS
// thread that forked it, so that goroutine stays locked to its thread and alive while the child
// runs).
func (c *children) startExec(dataDir, name, program string, args, env []string, cloneflags uintptr) error {
	log, err := os.OpenFile(filepath.Join(dataDir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		cmd := exec.Command(program, args...)
		cmd.Stdout, cmd.Stderr = log, log
		cmd.Env = append(os.Environ(), env...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM, Cloneflags: cloneflags}
		if err := cmd.Start(); err != nil {
			log.Close()
			started <- fmt.Errorf("starting %s: %w", name, err)
			return
		}
		c.mu.Lock()
		c.procs = append(c.procs, cmd.Process)
		c.mu.Unlock()
		started <- nil
		_ = cmd.Wait()
		log.Close()
	}()
	return <-started
}

// stopOnSignal forwards SIGTERM/SIGINT to the children; the API server handles the signal itself.
func (c *children) stopOnSignal() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, p := range c.procs {
			_ = p.Signal(syscall.SIGTERM)
		}
	}()
}
