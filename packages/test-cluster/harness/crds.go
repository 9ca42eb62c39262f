package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var crdResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// sourceHashAnnotation marks a CRD with the hash of the definition it was applied from, so a
// restart with the same data skips applying the large upstream CRDs again (seconds each).
const sourceHashAnnotation = "test-cluster.zero-trust-backstage/source-sha256"

// installCRDs server-side applies every CRD in dir (client-side apply would hit the 256 KiB
// annotation limit of the large ones), waits until each is Established, then until each answers
// a list.
func (c *clients) installCRDs(ctx context.Context, dir string) error {
	objs, err := readManifests(dir)
	if err != nil {
		return err
	}
	onServer, err := c.crdsOnServer(ctx)
	if err != nil {
		return err
	}
	var names []string
	var resources []schema.GroupVersionResource
	for _, obj := range objs {
		if obj.GetKind() != "CustomResourceDefinition" {
			continue
		}
		names = append(names, obj.GetName())
		resources = append(resources, servedResource(obj))
		hash, err := sourceHash(obj)
		if err != nil {
			return err
		}
		if existing, ok := onServer[obj.GetName()]; ok && existing.GetAnnotations()[sourceHashAnnotation] == hash {
			continue
		}
		obj.SetAnnotations(withEntry(obj.GetAnnotations(), sourceHashAnnotation, hash))
		if _, err := c.dynamic.Resource(crdResource).Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: fieldManager, Force: true}); err != nil {
			return fmt.Errorf("%s: %w", obj.GetName(), err)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("no CustomResourceDefinition in %s", dir)
	}
	deadline := time.Now().Add(time.Minute)
	if err := c.waitEstablished(ctx, names, deadline); err != nil {
		return err
	}
	err = c.waitListable(ctx, resources, deadline)
	c.mapper.Reset()
	return err
}

func (c *clients) crdsOnServer(ctx context.Context) (map[string]*unstructured.Unstructured, error) {
	list, err := c.dynamic.Resource(crdResource).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	byName := map[string]*unstructured.Unstructured{}
	for i := range list.Items {
		byName[list.Items[i].GetName()] = &list.Items[i]
	}
	return byName, nil
}

func (c *clients) waitEstablished(ctx context.Context, names []string, deadline time.Time) error {
	for {
		onServer, err := c.crdsOnServer(ctx)
		if err != nil {
			return err
		}
		var pending []string
		for _, name := range names {
			if crd, ok := onServer[name]; !ok || !established(crd) {
				pending = append(pending, name)
			}
		}
		if len(pending) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("CRDs not Established after a minute: %v", pending)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitListable lists each resource until it answers: an Established CRD's watch cache still
// answers 429 until it has initialized, and the first request builds the CRD's handler (a
// second or more for the large ones), so all in parallel.
func (c *clients) waitListable(ctx context.Context, resources []schema.GroupVersionResource, deadline time.Time) error {
	errs := make([]error, len(resources))
	var wg sync.WaitGroup
	for i, gvr := range resources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, err := c.dynamic.Resource(gvr).List(ctx, metav1.ListOptions{Limit: 1})
				if err == nil {
					return
				}
				if time.Now().After(deadline) {
					errs[i] = fmt.Errorf("%s not listable after a minute: %w", gvr, err)
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func established(crd *unstructured.Unstructured) bool {
	conditions, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
	for _, cond := range conditions {
		m, _ := cond.(map[string]any)
		if m["type"] == "Established" && m["status"] == "True" {
			return true
		}
	}
	return false
}

// servedResource is the storage version's resource of a CRD.
func servedResource(crd *unstructured.Unstructured) schema.GroupVersionResource {
	group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
	plural, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "plural")
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	version := ""
	for _, v := range versions {
		m, _ := v.(map[string]any)
		if m["storage"] == true {
			version, _ = m["name"].(string)
		}
	}
	return schema.GroupVersionResource{Group: group, Version: version, Resource: plural}
}

func sourceHash(obj *unstructured.Unstructured) (string, error) {
	source, err := json.Marshal(obj.Object)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", sha256.Sum256(source)), nil
}

func withEntry(m map[string]string, key, value string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[key] = value
	return m
}
