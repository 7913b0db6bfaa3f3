//! The arguments of an emitted event: tuples of any `serde::Serialize` values, a list of JSON values,
//! or `()`. A value that does not serialise makes the action invalid (checked before anything is sent),
//! never a panic.

use serde::Serialize;
use serde_json::Value;

/// The arguments of an emitted event, as JSON values.
///
/// ```
/// use socketio_fn::actions::{Args, IntoArgs};
/// #[derive(serde::Serialize)]
/// struct Point { x: i32, y: i32 }
/// let args = ("user", 1, Point { x: 1, y: 2 }).into_args().unwrap();
/// assert_eq!(args.0, vec![serde_json::json!("user"), serde_json::json!(1), serde_json::json!({"x": 1, "y": 2})]);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Args(pub Vec<Value>);

/// What an action constructor takes as the event's arguments: a tuple of up to eight
/// `serde::Serialize` values (`("alice", 1, my_struct)`; each item is one argument), `()` for none,
/// a `Vec<serde_json::Value>` or an array of values, or [`Args`].
pub trait IntoArgs {
    /// The arguments as JSON values, or why one does not serialise.
    fn into_args(self) -> Result<Args, serde_json::Error>;
}

impl IntoArgs for Args {
    fn into_args(self) -> Result<Args, serde_json::Error> {
        Ok(self)
    }
}

impl IntoArgs for () {
    fn into_args(self) -> Result<Args, serde_json::Error> {
        Ok(Args(Vec::new()))
    }
}

impl IntoArgs for Vec<Value> {
    fn into_args(self) -> Result<Args, serde_json::Error> {
        Ok(Args(self))
    }
}

impl<const N: usize> IntoArgs for [Value; N] {
    fn into_args(self) -> Result<Args, serde_json::Error> {
        Ok(Args(self.into()))
    }
}

macro_rules! tuple_args {
    ($($name:ident),+) => {
        impl<$($name: Serialize),+> IntoArgs for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_args(self) -> Result<Args, serde_json::Error> {
                let ($($name,)+) = self;
                Ok(Args(vec![$(serde_json::to_value($name)?),+]))
            }
        }
    };
}
tuple_args!(A);
tuple_args!(A, B);
tuple_args!(A, B, C);
tuple_args!(A, B, C, D);
tuple_args!(A, B, C, D, E);
tuple_args!(A, B, C, D, E, F);
tuple_args!(A, B, C, D, E, F, G);
tuple_args!(A, B, C, D, E, F, G, H);
