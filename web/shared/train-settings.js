// The model settings a trainer config takes (c/model: the MLP's activations and initialisations),
// offered by the Training room, the LR finder and <steplab-train>.
export const ACTIVATIONS = ['relu', 'leaky_relu', 'tanh', 'sigmoid', 'gelu', 'linear'];
export const INITS = ['pytorch', 'xavier', 'he'];
