package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// uidMap replaces the uids of a recorded cluster by the ones this API server assigned.
type uidMap struct {
	pairs    []string
	replacer *strings.Replacer
}

func newUIDMap() *uidMap { return &uidMap{} }

// rewrite returns the object ready to apply: recorded uids replaced everywhere in it (names,
// labels, owner references, report scopes), and the fields the server owns removed.
func (m *uidMap) rewrite(obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	out := obj
	if m.replacer != nil {
		data, err := json.Marshal(obj.Object)
		if err != nil {
			return obj, err
		}
		out = &unstructured.Unstructured{}
		if err := json.Unmarshal([]byte(m.replacer.Replace(string(data))), &out.Object); err != nil {
			return obj, err
		}
	}
	for _, field := range []string{"uid", "resourceVersion", "managedFields", "creationTimestamp", "generation"} {
		unstructured.RemoveNestedField(out.Object, "metadata", field)
	}
	return out, nil
}

// learn reads the uid the server gave the object just applied.
func (m *uidMap) learn(ctx context.Context, c *clients, obj *unstructured.Unstructured, recorded string) error {
	mapping, err := c.mapper.RESTMapping(obj.GroupVersionKind().GroupKind(), obj.GroupVersionKind().Version)
	if err != nil {
		return err
	}
	res := c.dynamic.Resource(mapping.Resource)
	var live *unstructured.Unstructured
	if mapping.Scope.Name() == meta.RESTScopeNameNamespace {
		live, err = res.Namespace(obj.GetNamespace()).Get(ctx, obj.GetName(), metav1.GetOptions{})
	} else {
		live, err = res.Get(ctx, obj.GetName(), metav1.GetOptions{})
	}
	if err != nil {
		return fmt.Errorf("reading back %s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
	}
	m.pairs = append(m.pairs, recorded, string(live.GetUID()))
	m.replacer = strings.NewReplacer(m.pairs...)
	return nil
}
