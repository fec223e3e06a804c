//! Profiles written by older builds, brought up to the schema this one writes: each version's changes,
//! applied in order to the file's JSON before it is read as a `Profile`.

use serde_json::Value;

use super::model::SCHEMA_VERSION;

/// Brings a profile written by an older build up to [`SCHEMA_VERSION`].
///
/// Version 0 (before the field existed) kept the target's fields (`url`, `headers`, `origin`,
/// `subprotocols`) at the top level; version 1 groups them under `target`. Version 2 names two fields for
/// what they hold: `target.keyPassphrase` (a flag) is `target.hasKeyPassphrase`, and `server.nginxConf`
/// is `server.proxyConfig`.
pub(crate) fn migrate(mut value: Value) -> std::result::Result<Value, String> {
    let object = value.as_object_mut().ok_or("not a JSON object")?;
    let version = object.get("schema").and_then(Value::as_u64).unwrap_or(0);
    if version > u64::from(SCHEMA_VERSION) {
        return Err(format!(
            "written by a newer WS Doctor (schema {version}; this one reads up to {SCHEMA_VERSION})"
        ));
    }
    if version == 0 {
        let mut target = serde_json::Map::new();
        for field in ["url", "headers", "origin", "subprotocols"] {
            if let Some(v) = object.remove(field) {
                target.insert(field.to_string(), v);
            }
        }
        object
            .entry("target")
            .or_insert_with(|| Value::Object(serde_json::Map::new()))
            .as_object_mut()
            .ok_or("`target` is not an object")?
            .extend(target);
    }
    if version <= 1 {
        rename(object, "target", "keyPassphrase", "hasKeyPassphrase")?;
        rename(object, "server", "nginxConf", "proxyConfig")?;
    }
    object.insert("schema".into(), Value::from(SCHEMA_VERSION));
    Ok(value)
}

/// Renames `from` to `to` inside the object at `parent`, if both are there.
fn rename(
    object: &mut serde_json::Map<String, Value>,
    parent: &str,
    from: &str,
    to: &str,
) -> std::result::Result<(), String> {
    let Some(parent_value) = object.get_mut(parent) else {
        return Ok(());
    };
    let inner = parent_value
        .as_object_mut()
        .ok_or_else(|| format!("`{parent}` is not an object"))?;
    if let Some(value) = inner.remove(from) {
        inner.insert(to.to_string(), value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;

    #[test]
    fn an_old_schema_is_migrated_and_a_newer_one_refused() {
        let old = serde_json::json!({"id": "p-old", "name": "old", "url": "ws://h/", "headers": [{"name": "X", "value": "1"}]});
        let profile: Profile = serde_json::from_value(migrate(old).unwrap()).unwrap();
        assert_eq!(profile.target.request.url, "ws://h/");
        assert_eq!(profile.target.request.headers[0].name, "X");
        assert_eq!(profile.schema, SCHEMA_VERSION);
        let v1 = serde_json::json!({"schema": 1, "id": "p-v1", "name": "v1",
            "target": {"url": "wss://h/", "clientCert": "c.pem", "keyPassphrase": true, "proxyCredentials": true},
            "server": {"nginxConf": "/etc/nginx"}});
        let profile: Profile = serde_json::from_value(migrate(v1).unwrap()).unwrap();
        assert!(profile.target.has_key_passphrase && profile.target.proxy_credentials);
        assert_eq!(profile.target.request.client_cert.as_deref(), Some("c.pem"));
        assert_eq!(profile.server.proxy_config.as_deref(), Some("/etc/nginx"));
        assert_eq!(profile.secret_slots().len(), 2);
        let written = serde_json::to_value(&profile).unwrap();
        assert_eq!(written["target"]["hasKeyPassphrase"], true);
        assert_eq!(written["server"]["proxyConfig"], "/etc/nginx");
        assert!(written["target"].get("keyPassphrase").is_none());
        let newer = serde_json::json!({"schema": 99, "id": "p", "name": "n"});
        assert!(migrate(newer).unwrap_err().contains("newer WS Doctor"));
    }
}
