package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
)

const fieldManager = "test-cluster"

type clients struct {
	kubeconfig string
	discovery  discovery.DiscoveryInterface
	dynamic    dynamic.Interface
	mapper     *restmapper.DeferredDiscoveryRESTMapper
}

func newClients(kubeconfig string) (*clients, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = 500, 1000
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	return &clients{kubeconfig, disc, dyn, restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))}, nil
}

func (c *clients) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		err := c.discovery.RESTClient().Get().AbsPath("/readyz").Do(ctx).Error()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("API server not ready after %s: %w", timeout, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// applyDir server-side applies every manifest in dir in dependency order, then writes each
// object's status through the status subresource — no controller or kubelet would.
//
// Objects recorded from a cluster (scripts that dump a real cluster's state) carry the uids that
// cluster assigned, and other objects refer to them: owner references, Kyverno's reports named
// and scoped by uid. The API server assigns new uids, so each recorded uid is replaced by the new
// one in every object applied after it (owners come first in applyOrder).
func (c *clients) applyDir(ctx context.Context, dir string) error {
	objs, err := readManifests(dir)
	if err != nil {
		return err
	}
	sort.SliceStable(objs, func(i, j int) bool { return applyOrder(objs[i]) < applyOrder(objs[j]) })
	uids := newUIDMap()
	var errs []error
	for _, obj := range objs {
		recorded := obj.GetUID()
		obj, err := uids.rewrite(obj)
		if err == nil {
			err = c.apply(ctx, obj)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err))
			continue
		}
		if recorded != "" {
			if err := uids.learn(ctx, c, obj, string(recorded)); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (c *clients) apply(ctx context.Context, obj *unstructured.Unstructured) error {
	if obj.GetKind() == "CustomResourceDefinition" {
		return nil // installed by --crds
	}
	mapping, err := c.mapper.RESTMapping(obj.GroupVersionKind().GroupKind(), obj.GroupVersionKind().Version)
	if err != nil {
		return err
	}
	var res dynamic.ResourceInterface = c.dynamic.Resource(mapping.Resource)
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		if obj.GetNamespace() == "" {
			obj.SetNamespace("default")
		}
		res = c.dynamic.Resource(mapping.Resource).Namespace(obj.GetNamespace())
	}
	if err := c.resolveOwnerUIDs(ctx, obj); err != nil {
		return err
	}
	status, hasStatus := obj.Object["status"]
	opts := metav1.ApplyOptions{FieldManager: fieldManager, Force: true}
	if _, err := res.Apply(ctx, obj.GetName(), obj, opts); err != nil {
		return err
	}
	if hasStatus {
		patch := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": obj.GetAPIVersion(), "kind": obj.GetKind(),
			"metadata": map[string]any{"name": obj.GetName(), "namespace": obj.GetNamespace()},
			"status":   status,
		}}
		// Kinds without a status subresource kept their status in the main apply above.
		if _, err := res.ApplyStatus(ctx, obj.GetName(), patch, opts); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("status: %w", err)
		}
	}
	if obj.GetKind() == "Namespace" {
		return c.ensureDefaultServiceAccount(ctx, obj.GetName())
	}
	return nil
}

// ensureDefaultServiceAccount creates what the (absent) service-account controller would.
func (c *clients) ensureDefaultServiceAccount(ctx context.Context, namespace string) error {
	sa := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ServiceAccount",
		"metadata": map[string]any{"name": "default", "namespace": namespace},
	}}
	gvr := schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
	_, err := c.dynamic.Resource(gvr).Namespace(namespace).Apply(ctx, "default", sa, metav1.ApplyOptions{FieldManager: fieldManager, Force: true})
	return err
}

// resolveOwnerUIDs fills in ownerReferences written without a uid (the API server assigns
// uids, so manifests cannot know them) from the owner applied earlier in the same namespace.
func (c *clients) resolveOwnerUIDs(ctx context.Context, obj *unstructured.Unstructured) error {
	refs := obj.GetOwnerReferences()
	for i, ref := range refs {
		if ref.UID != "" {
			continue
		}
		gv, err := schema.ParseGroupVersion(ref.APIVersion)
		if err != nil {
			return err
		}
		mapping, err := c.mapper.RESTMapping(gv.WithKind(ref.Kind).GroupKind(), gv.Version)
		if err != nil {
			return err
		}
		owner, err := c.dynamic.Resource(mapping.Resource).Namespace(obj.GetNamespace()).Get(ctx, ref.Name, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("owner %s %s: %w", ref.Kind, ref.Name, err)
		}
		refs[i].UID = owner.GetUID()
	}
	if len(refs) > 0 {
		obj.SetOwnerReferences(refs)
	}
	return nil
}

func applyOrder(obj *unstructured.Unstructured) int {
	switch kind := obj.GetKind(); {
	case kind == "Namespace" || kind == "CustomResourceDefinition":
		return 0
	case kind == "ServiceAccount" || kind == "ClusterRole" || kind == "Role":
		return 1
	case kind == "RoleBinding" || kind == "ClusterRoleBinding":
		return 2
	case kind == "ReplicaSet":
		return 4
	case kind == "Pod":
		return 5
	case strings.HasSuffix(kind, "Report") || kind == "AnalysisRun":
		return 6
	default:
		return 3
	}
}

// readManifests decodes every YAML document under dir (files sorted by path), flattening Lists.
func readManifests(dir string) ([]*unstructured.Unstructured, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) && filepath.Base(path) != "kustomization.yaml" {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var objs []*unstructured.Unstructured
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		decoder := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
		for {
			obj := &unstructured.Unstructured{}
			if err := decoder.Decode(&obj.Object); err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			if len(obj.Object) == 0 {
				continue
			}
			if obj.IsList() {
				list, err := obj.ToList()
				if err != nil {
					return nil, fmt.Errorf("%s: %w", file, err)
				}
				for i := range list.Items {
					objs = append(objs, &list.Items[i])
				}
				continue
			}
			objs = append(objs, obj)
		}
	}
	return objs, nil
}
