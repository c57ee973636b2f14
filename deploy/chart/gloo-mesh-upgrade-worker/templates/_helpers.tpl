{{/* The chart's name, at most 63 characters as Kubernetes labels allow. */}}
{{- define "gmu.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's objects' name: the release name when it already holds the chart's name. */}}
{{- define "gmu.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "gmu.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gmu.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "gmu.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "gmu.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "gmu.serviceAccountName" -}}
{{- default (include "gmu.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* The management context for requests that name none. */}}
{{- define "gmu.defaultContext" -}}
{{- if .Values.defaultContext -}}
{{- .Values.defaultContext -}}
{{- else if .Values.inCluster.enabled -}}
{{- .Values.inCluster.context -}}
{{- end -}}
{{- end -}}

{{/* Refuses values the worker could not start with, naming the value to set. */}}
{{- define "gmu.validate" -}}
{{- if and (not .Values.inCluster.enabled) (not .Values.kubeconfig.secretName) -}}
{{- fail "the worker needs a management cluster: set inCluster.enabled, or kubeconfig.secretName to a Secret holding a kubeconfig" -}}
{{- end -}}
{{- if and .Values.inCluster.enabled (not .Values.inCluster.context) -}}
{{- fail "inCluster.context must name the context requests use for the pod's own cluster" -}}
{{- end -}}
{{- if and .Values.temporal.tls.secretName (ne (empty .Values.temporal.tls.clientCertKey) (empty .Values.temporal.tls.clientKeyKey)) -}}
{{- fail "temporal.tls.clientCertKey and clientKeyKey go together: a client certificate needs its key" -}}
{{- end -}}
{{- end -}}

{{/* Where the worker finds its mounted files; the env vars and the volume mounts both use these. */}}
{{- define "gmu.paths.kubeconfig" -}}/etc/gloo-mesh-upgrade/kubeconfig{{- end -}}
{{- define "gmu.paths.temporalTls" -}}/etc/gloo-mesh-upgrade/temporal-tls{{- end -}}
{{- define "gmu.paths.temporalApiKey" -}}/etc/gloo-mesh-upgrade/temporal-api-key{{- end -}}
{{- define "gmu.paths.trustedSources" -}}/etc/gloo-mesh-upgrade/trusted-sources{{- end -}}
{{- define "gmu.paths.notifications" -}}/etc/gloo-mesh-upgrade/notifications{{- end -}}
{{- define "gmu.paths.notificationSecrets" -}}/etc/gloo-mesh-upgrade/notification-secrets{{- end -}}
{{- define "gmu.paths.valuesFiles" -}}/etc/gloo-mesh-upgrade/values{{- end -}}
{{- define "gmu.paths.backups" -}}/var/lib/gloo-mesh-upgrade/backups{{- end -}}

{{/* The ConfigMap of values files: the existing one, or the chart's own from valuesFiles.files. */}}
{{- define "gmu.valuesFilesConfigMap" -}}
{{- if .Values.valuesFiles.existingConfigMap -}}
{{- .Values.valuesFiles.existingConfigMap -}}
{{- else if .Values.valuesFiles.files -}}
{{- include "gmu.fullname" . }}-values-files
{{- end -}}
{{- end -}}
