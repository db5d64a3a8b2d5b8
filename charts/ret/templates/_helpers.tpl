{{/* Names and labels. */}}
{{- define "ret.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ret.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "ret.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "ret.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "ret.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "ret.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component: server, operator or worker. */}}
{{- define "ret.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ret.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "ret.serverName" -}}{{ include "ret.fullname" . }}-server{{- end }}
{{- define "ret.operatorName" -}}{{ include "ret.fullname" . }}-operator{{- end }}
{{- define "ret.workerName" -}}{{ include "ret.fullname" . }}-worker{{- end }}
{{- define "ret.configName" -}}{{ include "ret.fullname" . }}-config{{- end }}

{{- define "ret.sessionsClaim" -}}
{{- .Values.sessions.existingClaim | default (printf "%s-sessions" (include "ret.fullname" .)) }}
{{- end }}

{{- define "ret.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{- define "ret.operatorImage" -}}
{{- printf "%s:%s" .Values.operator.image.repository (.Values.operator.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
Settings read from existing Secrets, as "ENV_NAME=secret/key" entries separated by commas: the
server turns them into secretKeyRefs, the operator passes the same list on to every worker.
*/}}
{{- define "ret.secretEnv" -}}
{{- $entries := list -}}
{{- $entries = append $entries (printf "RET_DB_USER=%s/%s" .Values.database.existingSecret .Values.database.userKey) -}}
{{- $entries = append $entries (printf "RET_DB_PASSWORD=%s/%s" .Values.database.existingSecret .Values.database.passwordKey) -}}
{{- if .Values.redis.existingSecret -}}
{{- $entries = append $entries (printf "RET_REDIS_URL=%s/%s" .Values.redis.existingSecret .Values.redis.urlKey) -}}
{{- end -}}
{{- if and .Values.milvus.enabled .Values.milvus.existingSecret -}}
{{- $entries = append $entries (printf "RET_RAG_MILVUS_TOKEN=%s/%s" .Values.milvus.existingSecret .Values.milvus.tokenKey) -}}
{{- end -}}
{{- if .Values.azureOpenAI.enabled -}}
{{- $entries = append $entries (printf "RET_RAG_OPENAI_API_KEY=%s/%s" .Values.azureOpenAI.existingSecret .Values.azureOpenAI.apiKeyKey) -}}
{{- end -}}
{{- join "," $entries -}}
{{- end }}

{{/* The same entries as container env. */}}
{{- define "ret.secretEnvVars" -}}
{{- range splitList "," (include "ret.secretEnv" .) }}
{{- $name := index (splitList "=" .) 0 }}
{{- $ref := splitList "/" (index (splitList "=" .) 1) }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ index $ref 0 }}
      key: {{ index $ref 1 }}
{{- end }}
{{- end }}

{{/* Checks the values cannot express (the schema covers types and formats). */}}
{{- define "ret.validate" -}}
{{- $replicated := or (gt (int .Values.server.replicas) 1) .Values.server.autoscaling.enabled -}}
{{- if and $replicated (not .Values.auth.jwtKeys.existingSecret) -}}
{{- fail "auth.jwtKeys.existingSecret is required with more than one server replica: every replica must sign and verify tokens with the same keys" -}}
{{- end -}}
{{- if and $replicated (not .Values.milvus.enabled) -}}
{{- fail "milvus.enabled is required with more than one server replica: the embedded Lucene index is per pod" -}}
{{- end -}}
{{- if not (or .Values.redis.url .Values.redis.existingSecret) -}}
{{- fail "redis.url or redis.existingSecret is required" -}}
{{- end -}}
{{- end }}
