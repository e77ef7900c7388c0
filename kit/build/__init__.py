"""The pipeline that turns a checked project into the published site/, and the engines that build its pages."""
