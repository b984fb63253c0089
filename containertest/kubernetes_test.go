package containertest

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/readmetest"
	"go.yaml.in/yaml/v3"
)

// manifest is the part of a Kubernetes object the test reads.
type manifest struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Strategy struct {
			Type string `yaml:"type"`
		} `yaml:"strategy"`
		Template struct {
			Spec struct {
				SecurityContext struct {
					RunAsNonRoot bool `yaml:"runAsNonRoot"`
					RunAsUser    int  `yaml:"runAsUser"`
					FSGroup      int  `yaml:"fsGroup"`
				} `yaml:"securityContext"`
				Containers []k8sContainer `yaml:"containers"`
				Volumes    []struct {
					Name string `yaml:"name"`
					PVC  struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
		Ports []struct {
			Port       int    `yaml:"port"`
			TargetPort string `yaml:"targetPort"`
		} `yaml:"ports"`
	} `yaml:"spec"`
}

type k8sContainer struct {
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	Env []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom *struct {
			SecretKeyRef struct {
				Name string `yaml:"name"`
				Key  string `yaml:"key"`
			} `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	LivenessProbe   k8sProbe `yaml:"livenessProbe"`
	ReadinessProbe  k8sProbe `yaml:"readinessProbe"`
	SecurityContext struct {
		ReadOnlyRootFilesystem bool `yaml:"readOnlyRootFilesystem"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type k8sProbe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port string `yaml:"port"`
	} `yaml:"httpGet"`
}

func readManifests(t *testing.T, path string) map[string]manifest {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	out := map[string]manifest{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var m manifest
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, path)
		out[m.Kind] = m
	}
	return out
}

// TestKubernetesManifest parses deploy/kubernetes.yaml, checks that its
// ports, probes, volume and variables are the server's, and then runs the
// image as the Deployment describes it (its environment, user, read-only
// root, a volume at the mount path) and asks the probes' paths on the
// container port, as the kubelet would.
func TestKubernetesManifest(t *testing.T) {
	objs := readManifests(t, "../deploy/kubernetes.yaml")
	require.Contains(t, objs, "Deployment")
	require.Contains(t, objs, "Service")
	require.Contains(t, objs, "PersistentVolumeClaim")
	dep := objs["Deployment"]
	pod := dep.Spec.Template.Spec
	require.Len(t, pod.Containers, 1)
	c := pod.Containers[0]
	assert.Equal(t, "Recreate", dep.Spec.Strategy.Type, "one pod at a time on a ReadWriteOnce volume")
	assert.True(t, pod.SecurityContext.RunAsNonRoot)
	assert.True(t, c.SecurityContext.ReadOnlyRootFilesystem)

	require.Len(t, c.Ports, 1)
	port := c.Ports[0]
	assert.Equal(t, "/healthz", c.LivenessProbe.HTTPGet.Path)
	assert.Equal(t, "/readyz", c.ReadinessProbe.HTTPGet.Path)
	assert.Equal(t, port.Name, c.LivenessProbe.HTTPGet.Port)
	assert.Equal(t, port.Name, c.ReadinessProbe.HTTPGet.Port)
	svc := objs["Service"]
	require.Len(t, svc.Spec.Ports, 1)
	assert.Equal(t, port.Name, svc.Spec.Ports[0].TargetPort)

	documented := readmetest.Variables(t, "../README.md")
	env := map[string]string{}
	for _, e := range c.Env {
		assert.True(t, documented[e.Name], "env %s is not a variable of the server", e.Name)
		env[e.Name] = e.Value
		if e.ValueFrom != nil {
			env[e.Name] = "from-secret-" + e.ValueFrom.SecretKeyRef.Key
		}
	}
	assert.Equal(t, strconv.Itoa(port.ContainerPort), env["PORT"], "PORT is the container port")
	assert.Equal(t, serverPort, strconv.Itoa(port.ContainerPort)+"/tcp", "the image's port")
	require.Len(t, c.VolumeMounts, 1)
	assert.Equal(t, env["STORAGE_DIR"], c.VolumeMounts[0].MountPath, "STORAGE_DIR is the volume")
	require.Len(t, pod.Volumes, 1)
	assert.Equal(t, objs["PersistentVolumeClaim"].Metadata.Name, pod.Volumes[0].PVC.ClaimName)

	// The pod, as far as a container engine can play it.
	imgs := images(t)
	uid := pod.SecurityContext.RunAsUser
	srv := StartServer(t, imgs.Server, ServerOptions{
		Env: env, User: strconv.Itoa(uid) + ":" + strconv.Itoa(pod.SecurityContext.FSGroup),
		Mounts: bindAt(dataDir(t, uid), c.VolumeMounts[0].MountPath),
	})
	for _, probe := range []k8sProbe{c.LivenessProbe, c.ReadinessProbe} {
		resp, err := http.Get(srv.URL + probe.HTTPGet.Path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "probe %s", probe.HTTPGet.Path)
	}
	req, err := http.NewRequest("GET", srv.URL+"/v8/artifacts/status", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer from-secret-token")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the token from the Secret")
}
