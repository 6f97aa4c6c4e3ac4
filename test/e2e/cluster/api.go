package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
)

// writeCredentials writes the service-account key pair, the token file and
// the kubeconfig.
func (c *Cluster) writeCredentials() error {
	api := filepath.Join(c.dir, "apiserver")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := writePEM(filepath.Join(api, "sa.key"), "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key)); err != nil {
		return err
	}
	if err := writePEM(filepath.Join(api, "sa.pub"), "PUBLIC KEY", pub); err != nil {
		return err
	}

	tok := make([]byte, 24)
	if _, err := rand.Read(tok); err != nil {
		return err
	}
	c.token = hex.EncodeToString(tok)
	// token,user,uid,"group,..."
	tokens := c.token + `,e2e-admin,e2e-admin,"system:masters"` + "\n"
	if err := os.WriteFile(filepath.Join(api, "tokens.csv"), []byte(tokens), 0o600); err != nil {
		return err
	}

	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: rollspec-e2e
  cluster:
    server: %s
    insecure-skip-tls-verify: true
users:
- name: e2e-admin
  user:
    token: %s
contexts:
- name: rollspec-e2e
  context:
    cluster: rollspec-e2e
    user: e2e-admin
    namespace: default
current-context: rollspec-e2e
`, c.server, c.token)
	return os.WriteFile(c.kubeconfig, []byte(kubeconfig), 0o600)
}

func writePEM(path, typ string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600)
}

// getJSON GETs url (with the admin token when auth is set) and decodes a
// 200 response into out, when out is not nil.
func (c *Cluster) getJSON(ctx context.Context, url string, auth bool, out any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Errorf("GET %s: %s: %s", url, resp.Status, bytes.TrimSpace(body))
	}
	if out != nil {
		return resp.StatusCode, json.Unmarshal(body, out)
	}
	return resp.StatusCode, nil
}

// registerNodes creates the fake nodes kwok will manage.
func (c *Cluster) registerNodes(ctx context.Context, n int) error {
	annKey, annVal, _ := strings.Cut(KwokNodeAnnotation, "=")
	labelKey, labelVal, _ := strings.Cut(NodeLabel, "=")
	resources := map[string]string{"cpu": "32", "memory": "256Gi", "pods": "110"}
	for i := range n {
		name := fmt.Sprintf("kwok-node-%d", i)
		node := map[string]any{
			"apiVersion": "v1",
			"kind":       "Node",
			"metadata": map[string]any{
				"name":        name,
				"annotations": map[string]string{annKey: annVal, "node.alpha.kubernetes.io/ttl": "0"},
				"labels": map[string]string{
					labelKey:                 labelVal,
					"kubernetes.io/hostname": name,
					"kubernetes.io/os":       "linux",
					"kubernetes.io/arch":     "amd64",
				},
			},
			// Status is kept on create; kwok's node-initialize stage
			// preserves allocatable and capacity.
			"status": map[string]any{"allocatable": resources, "capacity": resources},
		}
		if err := c.post(ctx, "/api/v1/nodes", node); err != nil {
			return c.withLog(fmt.Errorf("registering node %s: %w", name, err), "kube-apiserver")
		}
	}
	return nil
}

// post creates obj at the API path.
func (c *Cluster) post(ctx context.Context, path string, obj any) error {
	data, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.server+path, bytes.NewReader(data))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST %s: %s: %s", path, resp.Status, bytes.TrimSpace(body))
	}
	return nil
}

// nodesReady reports whether n nodes labelled NodeLabel are Ready and carry
// no not-ready/unreachable taint. A node registered before kwok marks it
// Ready gets node.kubernetes.io/not-ready:NoSchedule from admission; the
// nodelifecycle controller removes it once the node is Ready.
func (c *Cluster) nodesReady(ctx context.Context, n int) (bool, error) {
	var list struct {
		Items []struct {
			Spec struct {
				Taints []struct {
					Key string `json:"key"`
				} `json:"taints"`
			} `json:"spec"`
			Status struct {
				Conditions []struct {
					Type   string `json:"type"`
					Status string `json:"status"`
				} `json:"conditions"`
			} `json:"status"`
		} `json:"items"`
	}
	if _, err := c.getJSON(ctx, c.server+"/api/v1/nodes?labelSelector="+strings.ReplaceAll(NodeLabel, "=", "%3D"), true, &list); err != nil {
		return false, err
	}
	ready := 0
	for _, node := range list.Items {
		ok := false
		for _, cond := range node.Status.Conditions {
			if cond.Type == "Ready" && cond.Status == "True" {
				ok = true
			}
		}
		for _, t := range node.Spec.Taints {
			if t.Key == "node.kubernetes.io/not-ready" || t.Key == "node.kubernetes.io/unreachable" {
				ok = false
			}
		}
		if ok {
			ready++
		}
	}
	return ready >= n, nil
}
