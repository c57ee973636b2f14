{{- define "gloo-mesh.image" -}}
{{ .image.registry }}/{{ .image.repository }}:{{ .image.tag | default .version }}
{{- end -}}
