//! Forms as typed structs: the one way a page handler reads a posted form.
//!
//! A form struct derives `Deserialize` and marks its fields with the readers below, so a
//! handler receives values, not strings to re-check: [`text`] trims and turns an empty
//! field into `None` (browsers send empty inputs as `""`), [`id`] reads a select's
//! record id, [`flag`] a checkbox or yes/no select, [`date`] a date as people type it,
//! and [`parsed`] any domain value through its own `parse` (its `Deserialize`). A body
//! that does not decode — a field the page never sends, an id that is not a number, an
//! identifier that does not parse — is answered by [`Form`]'s rejection: a 400 page in
//! Chinese naming the field, never axum's English text.

use crate::views::message_page;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::de::{DeserializeOwned, Error as _, IntoDeserializer};
use serde::{Deserialize, Deserializer};

/// A urlencoded form decoded into `T`; rejected with a Chinese 400 page.
#[derive(Debug, Clone, Copy, Default)]
pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(Form(value)),
            Err(rejection) => Err(refusal(&rejection)),
        }
    }
}

/// The 400 page for a form that does not decode (413 for a body over the limit).
fn refusal(rejection: &FormRejection) -> Response {
    let status = rejection.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return message_page(status, "提交的内容过大", "提交的内容超过了允许的大小。");
    }
    let detail = rejection.body_text();
    // serde_urlencoded says "Failed to deserialize form body: FIELD: REASON"; our own
    // readers' reasons are already Chinese, so the field and reason are kept.
    let detail = detail
        .split_once(": ")
        .map(|(_, rest)| rest)
        .unwrap_or(detail.as_str());
    message_page(
        StatusCode::BAD_REQUEST,
        "表单内容有误",
        &format!("表单无法读取，请返回页面检查后重新提交（{detail}）。"),
    )
}

/// The trimmed text of a field, `None` when absent or blank.
fn trimmed<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw = Option::<Scalar>::deserialize(d)?;
    Ok(raw
        .map(|Scalar(s)| s.trim().to_string())
        .filter(|s| !s.is_empty()))
}

/// A field's value as text: a form field, or in a JSON body a string, a whole number or a
/// boolean, so that the API reads its bodies with the forms' own structs and rules.
/// Fractions are refused: amounts and areas travel as text (`"120.50"`), never floats.
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("文字、整数或是/否")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Scalar, E> {
                Err(E::custom(format!(
                    "数值请写成文字（如 \"{v}\"），以免精度损失"
                )))
            }
        }
        d.deserialize_any(Text)
    }
}

/// A text field: trimmed, blank is `None`. Use with `#[serde(default, deserialize_with = "form::text")]`.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    trimmed(d)
}

/// A record id from a select; blank is `None`, anything else must be a number.
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    trimmed(d)?
        .map(|t| {
            t.parse()
                .map_err(|_| D::Error::custom(format!("编号不正确：{t}")))
        })
        .transpose()
}

/// A checkbox or yes/no select: `yes`, `on`, `true`, `1`, `是` are true; anything else,
/// or nothing, is false.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(matches!(
        trimmed(d)?.as_deref(),
        Some("yes" | "on" | "true" | "1" | "是")
    ))
}

/// A date as people type it (2019-03-05, 2019.3.5, 2019年3月5日 …); blank is `None`.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    trimmed(d)?
        .map(|t| {
            domain::platform::time::parse_date(&t)
                .ok_or_else(|| D::Error::custom(format!("日期格式不正确：{t}")))
        })
        .transpose()
}

/// A domain value read through its own `parse` (its `Deserialize`); blank is `None`.
pub fn parsed<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    trimmed(d)?
        .map(|t| {
            T::deserialize(t.into_deserializer())
                .map_err(|e: serde::de::value::Error| D::Error::custom(e.to_string()))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::platform::ResidentId;

    #[derive(Deserialize, Debug)]
    struct Sample {
        #[serde(default, deserialize_with = "text")]
        name: Option<String>,
        #[serde(default, deserialize_with = "id")]
        union_id: Option<i64>,
        #[serde(default, deserialize_with = "flag")]
        migrant: bool,
        #[serde(default, deserialize_with = "date")]
        joined_on: Option<NaiveDate>,
        #[serde(default, deserialize_with = "parsed")]
        resident_id: Option<ResidentId>,
    }

    fn read(body: &str) -> Result<Sample, String> {
        serde_urlencoded::from_str(body).map_err(|e| e.to_string())
    }

    #[test]
    fn blank_fields_are_none_and_values_are_typed() {
        let s = read("name=+&union_id=&migrant=&joined_on=").unwrap();
        assert_eq!(
            (s.name, s.union_id, s.migrant, s.joined_on),
            (None, None, false, None)
        );
        let s = read("name=%E5%BC%A0%E4%B8%89+&union_id=7&migrant=yes&joined_on=2019.3.5&resident_id=11010519491231002x")
            .unwrap();
        assert_eq!(s.name.as_deref(), Some("张三"));
        assert_eq!(s.union_id, Some(7));
        assert!(s.migrant);
        assert_eq!(s.joined_on, NaiveDate::from_ymd_opt(2019, 3, 5));
        assert_eq!(s.resident_id.unwrap().as_str(), "11010519491231002X");
    }

    #[test]
    fn absent_fields_take_their_defaults() {
        let s = read("").unwrap();
        assert!(s.name.is_none() && s.union_id.is_none() && !s.migrant && s.resident_id.is_none());
    }

    #[test]
    fn a_value_that_does_not_parse_is_refused_in_chinese() {
        assert!(read("union_id=abc").unwrap_err().contains("编号不正确"));
        assert!(
            read("joined_on=yesterday")
                .unwrap_err()
                .contains("日期格式不正确")
        );
        assert!(read("resident_id=110105194912310021").is_err());
    }
}
