package main

import (
	"fmt"
	"os"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// writeKubeconfig writes a self-contained admin kubeconfig once the API server has generated its
// serving certificate (the certificate bundle doubles as the CA: it is self-signed).
func writeKubeconfig(path, server string, pki pkiFiles) error {
	var ca []byte
	deadline := time.Now().Add(2 * time.Minute)
	for {
		data, err := os.ReadFile(pki.servingCert())
		if err == nil && len(data) > 0 {
			ca = data
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the API server wrote no serving certificate in %s", pki.Dir)
		}
		time.Sleep(100 * time.Millisecond)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["test-cluster"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: pki.AdminToken}
	cfg.Contexts["test-cluster"] = &clientcmdapi.Context{Cluster: "test-cluster", AuthInfo: "admin"}
	cfg.CurrentContext = "test-cluster"
	return clientcmd.WriteToFile(*cfg, path)
}
