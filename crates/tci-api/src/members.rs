//! Deserialization of objects that keep their unknown members, without
//! serde's `flatten` (which buffers every value and roughly doubles the
//! deserializer's code in the browser build).

use serde::de::{DeserializeOwned, Error, MapAccess};
use serde_json::{Map, Value};

/// Reads the members of an object: `known` takes the value of a member it
/// knows and returns true; every other member lands in the returned map.
pub(crate) fn read_members<'de, A: MapAccess<'de>>(
    mut access: A,
    mut known: impl FnMut(&str, &mut A) -> Result<bool, A::Error>,
) -> Result<Map<String, Value>, A::Error> {
    let mut extra = Map::new();
    while let Some(key) = access.next_key::<String>()? {
        if !known(&key, &mut access)? {
            extra.insert(key, access.next_value()?);
        }
    }
    Ok(extra)
}

/// Takes the next value into `slot`, refusing a member given twice.
pub(crate) fn take<'de, A: MapAccess<'de>, T: DeserializeOwned>(
    access: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<bool, A::Error> {
    if slot.is_some() {
        return Err(A::Error::duplicate_field(name));
    }
    *slot = Some(access.next_value()?);
    Ok(true)
}
